package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workcal"
)

type calendarDayInput struct {
	Kind string `json:"kind" doc:"holiday or workday"`
	Name string `json:"name" doc:"e.g. 春节, 春节调休上班"`
}

func (a *api) putCalendarDay(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageCalendar) {
		a.fail(w, r, errForbidden)
		return
	}
	var in calendarDayInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	fe := ticket.FieldErrors{}
	date, err := parseDate(r.PathValue("date"))
	if err != nil {
		fe["date"] = err.Error()
	}
	if in.Kind != string(workcal.Holiday) && in.Kind != string(workcal.Workday) {
		fe["kind"] = "holiday or workday"
	}
	day := workcal.Day{Date: date, Kind: workcal.DayKind(in.Kind), Name: in.Name}
	if len(fe) == 0 {
		if err := day.Validate(); err != nil {
			fe["name"] = "a name is required (the festival, or its 调休)"
		}
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	row := store.CalendarDay{Date: date.String(), Kind: in.Kind, Name: day.Name}
	err = a.st.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.SaveCalendarDays(r.Context(), []store.CalendarDay{row}, c.Username); err != nil {
			return err
		}
		return tx.Audit(r.Context(), store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: "calendar.day",
			ObjectType: "calendar_day", ObjectID: row.Date, Detail: row.Kind + " " + row.Name})
	})
	if err == nil {
		err = a.reloadClock(r.Context())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, calendarDayView{Date: row.Date, Weekday: date.Weekday().String(), Kind: row.Kind, Name: row.Name, Source: "entered"})
}
