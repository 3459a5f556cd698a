// Package open311 serves the Open311 GeoReport v2 API at /open311/v2/: service discovery,
// the service list and definitions, posting requests and reading them back, in XML and JSON.
// Requests become tickets with channel open311 through workorder.Service.Register, acting
// with the principal of the caller's API key.
package open311

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Prefix is where the API is mounted.
const Prefix = "/open311/v2"

// Specification is the document the discovery file points to.
const Specification = "http://wiki.open311.org/GeoReport_v2"

// Config describes this deployment in the discovery document.
type Config struct {
	// URL is the absolute endpoint URL (e.g. https://12345.example.gov.cn/open311/v2); when
	// empty it is derived from the request's host.
	URL string
	// Contact and KeyService tell client developers whom to ask and where to get an api_key.
	Contact    string
	KeyService string
	// Changeset is when the service list last changed in a way clients should notice.
	Changeset time.Time
}

// Deps is what the Open311 side needs.
type Deps struct {
	Service  *workorder.Service
	Accounts *account.Accounts
	Store    *store.Store
	Log      *slog.Logger
	Config   Config
	// Created is told the channel of every ticket created here (for metrics); may be nil.
	Created func(channel string)
}

// Server is the GeoReport v2 API.
type Server struct {
	svc      *workorder.Service
	accounts *account.Accounts
	st       *store.Store
	log      *slog.Logger
	cfg      Config
	created  func(string)
}

// New returns the API; mount its Routes on a ServeMux.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Created == nil {
		d.Created = func(string) {}
	}
	if d.Config.Contact == "" {
		d.Config.Contact = "12345 政务服务便民热线"
	}
	if d.Config.KeyService == "" {
		d.Config.KeyService = "Ask the hotline's administrator for an api_key (hotline apikey create --name NAME --role agent)."
	}
	if d.Config.Changeset.IsZero() {
		d.Config.Changeset = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	}
	return &Server{svc: d.Service, accounts: d.Accounts, st: d.Store, log: d.Log, cfg: d.Config, created: d.Created}
}

// Route is one endpoint, for the caller's mux and its OpenAPI document.
type Route struct {
	Method, Path, Summary, Description string
	Form                               bool // the body is application/x-www-form-urlencoded
	Handler                            http.Handler
}

// Routes lists the endpoints. ServeMux wildcards span whole path segments, so the
// per-resource endpoints take "{id}.json" or "{id}.xml" as one segment and split it.
func (s *Server) Routes() []Route {
	var out []Route
	for _, f := range []string{"json", "xml"} {
		ext := "." + f
		out = append(out,
			Route{Method: "GET", Path: Prefix + "/discovery" + ext, Summary: "Open311 service discovery (" + f + ")", Handler: s.format(f, s.discovery)},
			Route{Method: "GET", Path: Prefix + "/services" + ext, Summary: "Open311 service list (" + f + ")", Handler: s.format(f, s.services)},
			Route{Method: "GET", Path: Prefix + "/requests" + ext, Summary: "Open311 service requests (" + f + ")",
				Description: "service_request_id (comma list), service_code, start_date, end_date (at most 90 days apart; default the last 90 days), status (open, closed); at most 1000 requests.",
				Handler:     s.format(f, s.listRequests)},
			Route{Method: "POST", Path: Prefix + "/requests" + ext, Summary: "Open311 create a service request (" + f + ")", Form: true,
				Description: "api_key and service_code required; lat+long, address_string or address_id required; description at most 4000 characters; attribute[CODE]=value.",
				Handler:     s.format(f, s.postRequest)},
		)
	}
	out = append(out,
		Route{Method: "GET", Path: Prefix + "/services/{file}", Summary: "Open311 service definition: services/{service_code}.json or .xml", Handler: s.withExt(s.serviceDefinition)},
		Route{Method: "GET", Path: Prefix + "/requests/{file}", Summary: "Open311 one service request: requests/{service_request_id}.json or .xml", Handler: s.withExt(s.getRequest)},
		Route{Method: "GET", Path: Prefix + "/tokens/{file}", Summary: "Open311 service request id from a token: tokens/{token}.json or .xml", Handler: s.withExt(s.token)},
	)
	return out
}

// handler answers in the format of the request; arg is the path segment without extension.
type handler func(w http.ResponseWriter, r *http.Request, f format, arg string) error

type format string

func (s *Server) format(f string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.run(w, r, format(f), "", h)
	})
}

func (s *Server) withExt(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		for _, f := range []format{"json", "xml"} {
			if arg, ok := strings.CutSuffix(file, "."+string(f)); ok && arg != "" {
				s.run(w, r, f, arg, h)
				return
			}
		}
		s.fail(w, r, "xml", &apiError{http.StatusNotFound, "append .json or .xml to choose the response format"})
	})
}

func (s *Server) run(w http.ResponseWriter, r *http.Request, f format, arg string, h handler) {
	if err := h(w, r, f, arg); err != nil {
		s.fail(w, r, f, err)
	}
}

// apiError is an error the spec's error format carries: an HTTP status and a description.
type apiError struct {
	code int
	desc string
}

func (e *apiError) Error() string { return e.desc }

func errorf(code int, desc string) error { return &apiError{code, desc} }

type xmlErrors struct {
	XMLName xml.Name    `xml:"errors"`
	Errors  []errorItem `xml:"error"`
}

type errorItem struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// fail answers in the spec's error format: a list of {code, description}.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f format, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		switch {
		case errors.Is(err, store.ErrNotFound):
			ae = &apiError{http.StatusNotFound, "not found"}
		default:
			s.log.Error("open311", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{http.StatusInternalServerError, "internal error; it has been logged"}
		}
	}
	items := []errorItem{{Code: ae.code, Description: ae.desc}}
	if f == "json" {
		writeJSON(w, ae.code, items)
		return
	}
	writeXML(w, ae.code, xmlErrors{Errors: items})
}

func (s *Server) write(w http.ResponseWriter, f format, status int, jsonValue, xmlValue any) error {
	if f == "json" {
		writeJSON(w, status, jsonValue)
	} else {
		writeXML(w, status, xmlValue)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?>` + "\n"))
	_ = xml.NewEncoder(w).Encode(v)
}

// iso formats a time as the spec wants: ISO 8601 with the offset, in the city's zone.
func iso(t time.Time) string { return t.In(cityZone).Format(time.RFC3339) }

// NotFound answers paths under the prefix that name no endpoint, in the spec's error format
// (JSON when the path ends in .json, else XML).
func (s *Server) NotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := format("xml")
		if strings.HasSuffix(r.URL.Path, ".json") {
			f = "json"
		}
		s.fail(w, r, f, errorf(http.StatusNotFound, "no such Open311 endpoint: see "+Prefix+"/discovery.xml"))
	})
}
