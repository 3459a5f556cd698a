package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

type calendarSum struct {
	From   time.Time `json:"from"`
	Days   *int      `json:"days,omitempty"`
	Hours  *float64  `json:"hours,omitempty"`
	Result time.Time `json:"result" doc:"RFC 3339 in Asia/Shanghai"`
}

// Bounds keep one request from walking the calendar for centuries.
const (
	maxCalendarDays  = 3650
	maxCalendarHours = 24 * 3650
)

func (a *api) calendarAdd(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	fe := ticket.FieldErrors{}
	from, err := parseInstantParam(q.Get("from"))
	if err != nil {
		fe["from"] = err.Error()
	}
	var out calendarSum
	switch ds, hs := q.Get("days"), q.Get("hours"); {
	case (ds == "") == (hs == ""):
		fe["days"] = "give exactly one of days and hours"
	case ds != "":
		n, err := strconv.Atoi(ds)
		if err != nil || n < -maxCalendarDays || n > maxCalendarDays {
			fe["days"] = "a whole number of working days, at most 3650 either way"
		}
		out.Days = &n
	default:
		h, err := strconv.ParseFloat(hs, 64)
		if err != nil || h != h || h < -maxCalendarHours || h > maxCalendarHours {
			fe["hours"] = "a number of working hours, at most 87600 either way"
		}
		out.Hours = &h
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
	out.From = from.In(cal.Location())
	if out.Days != nil {
		out.Result = cal.AddWorkingDays(from, *out.Days)
	} else {
		out.Result = cal.AddWorkingHours(from, time.Duration(*out.Hours*float64(time.Hour)))
	}
	out.Result = out.Result.In(cal.Location())
	writeJSON(w, http.StatusOK, out)
}
