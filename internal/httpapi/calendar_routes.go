package httpapi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/workcal"
)

// registerCalendarRoutes adds the working calendar (工作日历) endpoints: the declared days of a
// year, an administrator's entries (next year's State Council notice, corrections), and the
// working-time arithmetic on the calendar this server runs on. registerRoutes calls it.
func (a *api) registerCalendarRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/calendar", Summary: "Declared days of a year (holidays 休 and adjusted working days 班), official and entered",
		Tag: "calendar", Query: []param{{Name: "year", Type: "integer", Description: "default this year (Asia/Shanghai)"}},
		Response: calendarYear{}, auth: a.listCalendar})
	a.add(route{Method: "PUT", Path: "/api/v1/calendar/days/{date}", Summary: "Enter one day (YYYY-MM-DD) as a holiday or a working day; it replaces any declaration of that date",
		Description: "In force at once for new deadlines on this node; other nodes pick it up on their next reload (within a minute). Deadlines already set are not moved.",
		Tag:         "calendar", Perm: access.ManageCalendar, Request: calendarDayInput{}, Response: calendarDayView{}, auth: a.putCalendarDay})
	a.add(route{Method: "DELETE", Path: "/api/v1/calendar/days/{date}", Summary: "Remove an entered day: the official calendar (or the weekday rule) applies again",
		Description: "404 when no day was entered for the date (official days cannot be removed, only overridden).",
		Tag:         "calendar", Perm: access.ManageCalendar, Status: 204, auth: a.deleteCalendarDay})
	a.add(route{Method: "POST", Path: "/api/v1/calendar/import", Summary: "Import a holiday notice: CSV date,kind,name (as hotline calendar import), all or nothing",
		Description: "The CSV is the request body (text/csv) or the multipart part \"file\". 400 with a report of every bad line when any line is bad; nothing is entered then.",
		Tag:         "calendar", Perm: access.ManageCalendar, Multipart: true, Response: calendarImport{}, auth: a.importCalendar})
	a.add(route{Method: "GET", Path: "/api/v1/calendar/add", Summary: "The instant N working days or H working hours after from, on the server's calendar",
		Tag: "calendar", Query: []param{{Name: "from", Description: "RFC 3339 instant"}, {Name: "days", Type: "integer"},
			{Name: "hours", Type: "number", Description: "exactly one of days and hours; negative counts back"}},
		Response: calendarSum{}, auth: a.calendarAdd})
	a.add(route{Method: "GET", Path: "/api/v1/calendar/between", Summary: "Working time between two instants, on the server's calendar",
		Tag: "calendar", Query: []param{{Name: "from", Description: "RFC 3339 instant"}, {Name: "to", Description: "RFC 3339 instant"}},
		Response: calendarSpan{}, auth: a.calendarBetween})
}

// calendar is the calendar in force: the running clock's, or the database's when this
// handler runs without one (tests, tools).
func (a *api) calendar(ctx context.Context) (*workcal.Calendar, error) {
	if a.clock != nil {
		return a.clock.Calendar(), nil
	}
	return sla.LoadCalendar(ctx, a.st)
}

// reloadClock puts a committed calendar change in force on this node at once, so the next
// dispatch counts with it.
func (a *api) reloadClock(ctx context.Context) error {
	if a.clock == nil {
		return nil
	}
	if err := a.clock.Reload(ctx, a.st); err != nil {
		return fmt.Errorf("saved, but the running calendar was not reloaded (it will be within a minute): %w", err)
	}
	return nil
}

// parseDate reads a date path or CSV value, refusing years no notice will ever cover.
func parseDate(s string) (workcal.Date, error) {
	d, err := workcal.ParseDate(s)
	if err != nil {
		return d, err
	}
	if d.Year < 2000 || d.Year > 2100 {
		return d, fmt.Errorf("year %d is outside 2000–2100", d.Year)
	}
	return d, nil
}

// parseInstantParam reads an RFC 3339 query value; a "+" left unescaped in the query has
// become a space, so it is put back.
func parseInstantParam(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1)); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 instant such as 2026-09-30T10:00:00+08:00", s)
}
