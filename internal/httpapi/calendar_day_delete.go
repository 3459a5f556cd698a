package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) deleteCalendarDay(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageCalendar) {
		a.fail(w, r, errForbidden)
		return
	}
	date, err := parseDate(r.PathValue("date"))
	if err != nil {
		a.fail(w, r, fieldError("date", err.Error()))
		return
	}
	rows, err := a.st.CalendarDays(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	found := false
	for _, d := range rows {
		found = found || d.Date == date.String()
	}
	if !found {
		a.fail(w, r, store.ErrNotFound)
		return
	}
	err = a.st.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.DeleteCalendarDay(r.Context(), date.String()); err != nil {
			return err
		}
		return tx.Audit(r.Context(), store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: "calendar.delete",
			ObjectType: "calendar_day", ObjectID: date.String()})
	})
	if err == nil {
		err = a.reloadClock(r.Context())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
