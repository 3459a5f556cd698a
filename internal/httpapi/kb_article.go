package httpapi

import (
	"context"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) kbCreate(w http.ResponseWriter, r *http.Request, c *caller) {
	var in kb.ArticleInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	art, err := a.articles().Create(r.Context(), c.Principal, in)
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, art)
}

func (a *api) kbUpdate(w http.ResponseWriter, r *http.Request, c *caller) {
	var in kb.ArticleInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	art, err := a.articles().Update(r.Context(), c.Principal, r.PathValue("id"), in)
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, art)
}

func (a *api) kbGet(w http.ResponseWriter, r *http.Request, c *caller) {
	art, err := a.articles().Get(r.Context(), c.Principal, r.PathValue("id"))
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, art)
}

func (a *api) kbPublicGet(w http.ResponseWriter, r *http.Request) {
	art, err := a.articles().Get(r.Context(), access.Principal{}, r.PathValue("id"))
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, art)
}

func (a *api) kbVersions(w http.ResponseWriter, r *http.Request, c *caller) {
	vs, err := a.articles().Versions(r.Context(), c.Principal, r.PathValue("id"))
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	if len(vs) == 0 {
		a.fail(w, r, store.ErrNotFound)
		return
	}
	// The history page shows who, not a user id: names are looked up once per author.
	names := map[string]string{}
	out := make([]articleVersionView, len(vs))
	for i, v := range vs {
		if _, ok := names[v.By]; !ok && v.By != "" {
			if u, err := a.st.UserByID(r.Context(), v.By); err == nil {
				names[v.By] = u.DisplayName
				if names[v.By] == "" {
					names[v.By] = u.Username
				}
			}
		}
		out[i] = articleVersionView{ArticleVersion: v, ByName: names[v.By]}
	}
	writeJSON(w, http.StatusOK, out)
}

type articleVersionView struct {
	store.ArticleVersion
	ByName string `json:"by_name,omitempty" doc:"the author's display name"`
}

func (a *api) kbUse(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := a.articles().Used(r.Context(), c.Principal, r.PathValue("id")); err != nil {
		a.textFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type kbStepRequest struct {
	Note string `json:"note,omitempty" doc:"review note; required to reject"`
}

var kbSteps = []struct{ name, summary string }{
	{"submit", "Send a draft for review (送审)"},
	{"approve", "Approve and publish (审核通过)"},
	{"reject", "Send back to the authors with a reason (审核退回)"},
	{"archive", "Take off the knowledge base (下架)"},
}

func (a *api) kbStep(name string) authHandler {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		var req kbStepRequest
		if err := decode(w, r, &req, true); err != nil {
			a.fail(w, r, err)
			return
		}
		k, id, ctx := a.articles(), r.PathValue("id"), r.Context()
		steps := map[string]func(context.Context) (*store.Article, error){
			"submit":  func(ctx context.Context) (*store.Article, error) { return k.Submit(ctx, c.Principal, id) },
			"approve": func(ctx context.Context) (*store.Article, error) { return k.Approve(ctx, c.Principal, id, req.Note) },
			"reject":  func(ctx context.Context) (*store.Article, error) { return k.Reject(ctx, c.Principal, id, req.Note) },
			"archive": func(ctx context.Context) (*store.Article, error) { return k.Archive(ctx, c.Principal, id) },
		}
		art, err := steps[name](ctx)
		if err != nil {
			a.textFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, art)
	}
}
