package httpapi

import (
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) retryOutbox(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageOutbox) {
		a.fail(w, r, errForbidden)
		return
	}
	id := r.PathValue("id")
	if err := a.st.RetryMessage(r.Context(), id, time.Now()); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.st.InTx(r.Context(), func(tx *store.Tx) error {
		return tx.Audit(r.Context(), store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: "outbox.retry",
			ObjectType: "outbox", ObjectID: id})
	}); err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.st.OutboxMessageByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}
