package open311

import (
	"encoding/xml"
	"net/http"
)

type discovery struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request, f format, _ string) error {
	url := s.cfg.URL
	if url == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		url = scheme + "://" + r.Host + Prefix
	}
	cs := iso(s.cfg.Changeset)
	d := discovery{Changeset: cs, Contact: s.cfg.Contact, KeyService: s.cfg.KeyService, Endpoints: []endpoint{{
		Specification: Specification, URL: url, Changeset: cs, Type: "production",
		Formats: []string{"text/xml", "application/json"}}}}
	return s.write(w, f, http.StatusOK, d, d)
}
