package httpapi

import (
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

type calendarSpan struct {
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	WorkingSeconds int64     `json:"working_seconds" doc:"negative when to is before from"`
	Working        string    `json:"working" doc:"the same as a Go duration, e.g. 63h0m0s"`
	WorkingDays    float64   `json:"working_days" doc:"in working days of the calendar's day length"`
	DayLength      string    `json:"day_length"`
}

func (a *api) calendarBetween(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	fe := ticket.FieldErrors{}
	from, err := parseInstantParam(q.Get("from"))
	if err != nil {
		fe["from"] = err.Error()
	}
	to, err := parseInstantParam(q.Get("to"))
	if err != nil {
		fe["to"] = err.Error()
	}
	if len(fe) == 0 && (to.Sub(from) > 10*365*24*time.Hour || from.Sub(to) > 10*365*24*time.Hour) {
		fe["to"] = "at most ten years from from"
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	cal, err := a.calendar(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := cal.WorkingTimeBetween(from, to)
	writeJSON(w, http.StatusOK, calendarSpan{From: from.In(cal.Location()), To: to.In(cal.Location()),
		WorkingSeconds: int64(d / time.Second), Working: d.String(),
		WorkingDays: float64(d) / float64(cal.DailyWorkingTime()), DayLength: cal.DailyWorkingTime().String()})
}
