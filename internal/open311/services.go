package open311

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var cityZone = ticket.Location

type service struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type xmlServices struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

// The service list offers the leaves of the category tree (normally the level-3 subjects,
// or a shallower node that has no children). A client shows one flat list grouped by
// "group", so offering the inner levels as well would list 城乡建设 beside its own
// subjects and let requests land on a category too coarse to dispatch by; the leaves are
// what agents file tickets under too. The path names go into keywords, so a client
// searching "市容环卫" still finds 占道经营.
func leaves(cats []org.Category) (*org.Tree[org.Category], []org.Category) {
	tree := org.NewTree(cats)
	var out []org.Category
	for _, c := range cats {
		if len(tree.Children(c.ID)) == 0 {
			out = append(out, c)
		}
	}
	return tree, out
}

func serviceOf(tree *org.Tree[org.Category], c org.Category) service {
	path := org.CategoryPath(tree, c.ID)
	return service{ServiceCode: c.ID, ServiceName: c.Name, Description: org.JoinPath(path), Metadata: len(c.Fields) > 0,
		Type: "realtime", Keywords: strings.Join(path, ", "), Group: path[0]}
}

func (s *Server) services(w http.ResponseWriter, r *http.Request, f format, _ string) error {
	cats, err := s.st.Categories(r.Context())
	if err != nil {
		return err
	}
	tree, ls := leaves(cats)
	out := make([]service, 0, len(ls))
	for _, c := range ls {
		out = append(out, serviceOf(tree, c))
	}
	return s.write(w, f, http.StatusOK, out, xmlServices{Services: out})
}

// category finds an offered service by its code.
func (s *Server) category(ctx context.Context, code string) (*org.Tree[org.Category], org.Category, error) {
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, org.Category{}, err
	}
	tree, _ := leaves(cats)
	c, ok := tree.Get(code)
	if !ok || len(tree.Children(code)) > 0 {
		return nil, org.Category{}, errorf(http.StatusNotFound, "service_code "+strconv.Quote(code)+" not found")
	}
	return tree, c, nil
}

type serviceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []attribute `json:"attributes" xml:"attributes>attribute"`
}

type attribute struct {
	Variable            bool    `json:"variable" xml:"variable"`
	Code                string  `json:"code" xml:"code"`
	Datatype            string  `json:"datatype" xml:"datatype"`
	Required            bool    `json:"required" xml:"required"`
	DatatypeDescription string  `json:"datatype_description" xml:"datatype_description"`
	Order               int     `json:"order" xml:"order"`
	Description         string  `json:"description" xml:"description"`
	Values              []value `json:"values,omitempty" xml:"values>value,omitempty"`
}

type value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// attributeOf maps a category's custom field to a GeoReport attribute: text → string,
// number → number, date → datetime, a field with options → singlevaluelist, and a yes/no
// field → singlevaluelist of true/false.
func attributeOf(i int, fd org.FieldDef) attribute {
	a := attribute{Variable: true, Code: fd.Key, Required: fd.Required, Order: i + 1, Description: fd.Label}
	switch {
	case len(fd.Options) > 0:
		a.Datatype = "singlevaluelist"
		for _, o := range fd.Options {
			a.Values = append(a.Values, value{Key: o, Name: o})
		}
	case fd.Type == string(ticket.FieldNumber):
		a.Datatype, a.DatatypeDescription = "number", "a number"
	case fd.Type == string(ticket.FieldDate):
		a.Datatype, a.DatatypeDescription = "datetime", "ISO 8601 date or date-time"
	case fd.Type == string(ticket.FieldBool):
		a.Datatype = "singlevaluelist"
		a.Values = []value{{Key: "true", Name: "是"}, {Key: "false", Name: "否"}}
	default:
		a.Datatype = "string"
	}
	return a
}

func (s *Server) serviceDefinition(w http.ResponseWriter, r *http.Request, f format, code string) error {
	_, c, err := s.category(r.Context(), code)
	if err != nil {
		return err
	}
	def := serviceDefinition{ServiceCode: c.ID, Attributes: []attribute{}}
	for i, fd := range c.Fields {
		def.Attributes = append(def.Attributes, attributeOf(i, fd))
	}
	return s.write(w, f, http.StatusOK, def, def)
}
