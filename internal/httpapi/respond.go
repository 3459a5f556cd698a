package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// maxJSONBody bounds a JSON request body; attachments have their own, larger limit.
const maxJSONBody = 1 << 20

// statusClientClosed is nginx's code for a request the client abandoned; it shows in logs
// and metrics, never to a client.
const statusClientClosed = 499

// errorBody is every error answer: a sentence for people, and per-field reasons and the
// allowed actions for programs.
type errorBody struct {
	Error   string            `json:"error"`
	Fields  map[string]string `json:"fields,omitempty"`
	Allowed []ticket.Action   `json:"allowed,omitempty"`
}

// httpError is an error the handler already knows the status of.
type httpError struct {
	status int
	msg    string
	fields map[string]string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(msg string, fields map[string]string) error {
	return &httpError{status: http.StatusBadRequest, msg: msg, fields: fields}
}

func fieldError(field, reason string) error {
	return badRequest("invalid input: "+field+": "+reason, map[string]string{field: reason})
}

var (
	errUnauthenticated = &httpError{status: http.StatusUnauthorized, msg: "log in or send a valid bearer token"}
	errForbidden       = &httpError{status: http.StatusForbidden, msg: "your role may not do this"}
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// fail answers err with the status it means. Anything unknown is a server fault: logged
// in full, answered with a generic sentence.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := a.classify(err)
	switch {
	case status == http.StatusServiceUnavailable:
		a.log.Warn("request timed out", "method", r.Method, "path", logPath(r), "err", err)
	case status >= 500:
		a.log.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hotline"`)
	}
	writeJSON(w, status, body)
}

func (a *api) classify(err error) (int, errorBody) {
	var (
		he       *httpError
		fe       ticket.FieldErrors
		ie       *ticket.InputError
		illegal  *ticket.IllegalError
		denied   *workorder.ForbiddenActionError
		tooLarge *http.MaxBytesError
	)
	switch {
	case errors.As(err, &he):
		return he.status, errorBody{Error: he.msg, Fields: he.fields}
	case errors.As(err, &fe):
		return http.StatusBadRequest, errorBody{Error: err.Error(), Fields: fe}
	case errors.As(err, &ie):
		return http.StatusBadRequest, errorBody{Error: "invalid input: " + ie.Error(), Fields: map[string]string{ie.Field: ie.Reason}}
	case errors.As(err, &illegal):
		return http.StatusConflict, errorBody{Error: illegal.Error(), Allowed: nonNil(illegal.Allowed)}
	case errors.As(err, &denied):
		return http.StatusForbidden, errorBody{Error: denied.Error(), Allowed: nonNil(denied.Allowed)}
	case errors.Is(err, workorder.ErrForbidden):
		return http.StatusForbidden, errorBody{Error: "your role may not do this"}
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: "not found"}
	case errors.Is(err, store.ErrBadCursor):
		return http.StatusBadRequest, errorBody{Error: "bad cursor", Fields: map[string]string{"cursor": "not a cursor this server made"}}
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, errorBody{Error: "conflict: the record exists already or changed meanwhile; reload and retry"}
	case errors.Is(err, account.ErrBadCredentials), errors.Is(err, account.ErrDisabled):
		return http.StatusUnauthorized, errorBody{Error: err.Error()}
	case errors.Is(err, account.ErrNoSession):
		return http.StatusUnauthorized, errorBody{Error: err.Error()}
	case errors.Is(err, account.ErrLocked):
		return http.StatusTooManyRequests, errorBody{Error: err.Error()}
	case errors.As(err, &tooLarge), errors.Is(err, attach.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, errorBody{Error: "request body too large"}
	case errors.Is(err, attach.ErrType):
		return http.StatusUnsupportedMediaType, errorBody{Error: err.Error()}
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer, and it is no server fault.
		return statusClientClosed, errorBody{Error: "request cancelled"}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, errorBody{Error: "the server is busy; retry shortly"}
	case errors.Is(err, attach.ErrEmpty):
		return http.StatusBadRequest, errorBody{Error: err.Error(), Fields: map[string]string{"file": "empty"}}
	}
	return http.StatusInternalServerError, errorBody{Error: "internal error; it has been logged"}
}

// nonNil keeps "allowed" present as [] when nothing is allowed, so clients need no null check.
func nonNil(a []ticket.Action) []ticket.Action {
	if a == nil {
		return []ticket.Action{}
	}
	return a
}

// decode reads a JSON body into dst strictly: JSON content type, at most maxJSONBody bytes,
// no unknown fields, one value. An empty body decodes as {} when allowEmpty.
func decode(w http.ResponseWriter, r *http.Request, dst any, allowEmpty bool) error {
	if r.ContentLength == 0 && allowEmpty {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
		if r.ContentLength == 0 && ct == "" {
			return badRequest("a JSON body is required", nil)
		}
		return &httpError{status: http.StatusUnsupportedMediaType, msg: "send the body as application/json"}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, allowEmpty)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("the body holds more than one JSON value", nil)
	}
	return nil
}

func jsonError(err error, allowEmpty bool) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.EOF):
		if allowEmpty {
			return nil
		}
		return badRequest("a JSON body is required", nil)
	case errors.As(err, &syntax):
		return badRequest(fmt.Sprintf("malformed JSON at byte %d", syntax.Offset), nil)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return fieldError(field, "want "+jsonKind(typeErr.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldError(name, "unknown field")
	}
	return badRequest("malformed JSON: "+err.Error(), nil)
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int64", "int32", "uint", "uint64":
		return "a whole number"
	case "float64", "float32":
		return "a number"
	}
	return k
}
