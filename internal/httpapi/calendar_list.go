package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-dev/hotline/internal/workcal"
)

// calendarDayView is one declared day and where the declaration comes from.
type calendarDayView struct {
	Date    string `json:"date"`
	Weekday string `json:"weekday"`
	Kind    string `json:"kind" doc:"holiday (休) or workday (调休上班)"`
	Name    string `json:"name"`
	Source  string `json:"source" doc:"official (built in) or entered (by an administrator; wins over official)"`
}

type calendarYear struct {
	Year     int               `json:"year"`
	Declared bool              `json:"declared" doc:"false: no notice for the year yet, weekdays alone count"`
	Periods  []string          `json:"periods" doc:"working periods of a working day"`
	AllDay   bool              `json:"all_day" doc:"24-hour mode: every instant is working time"`
	Days     []calendarDayView `json:"days"`
}

func (a *api) listCalendar(w http.ResponseWriter, r *http.Request, c *caller) {
	cal, err := a.calendar(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	year := time.Now().In(cal.Location()).Year()
	if s := r.URL.Query().Get("year"); s != "" {
		if year, err = strconv.Atoi(s); err != nil || year < 2000 || year > 2100 {
			a.fail(w, r, fieldError("year", "a year from 2000 to 2100"))
			return
		}
	}
	rows, err := a.st.CalendarDays(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	entered := map[string]bool{}
	for _, d := range rows {
		entered[d.Date] = true
	}
	out := calendarYear{Year: year, AllDay: cal.Continuous(), Days: []calendarDayView{}}
	for _, p := range cal.Periods() {
		out.Periods = append(out.Periods, p.String())
	}
	for day := (workcal.Date{Year: year, Month: time.January, Day: 1}); day.Year == year; day = day.AddDays(1) {
		decl, ok := cal.Declared(day)
		if !ok {
			continue
		}
		v := calendarDayView{Date: day.String(), Weekday: day.Weekday().String(), Kind: string(decl.Kind), Name: decl.Name, Source: "official"}
		if entered[v.Date] {
			v.Source = "entered"
		}
		out.Days = append(out.Days, v)
	}
	out.Declared = len(out.Days) > 0
	writeJSON(w, http.StatusOK, out)
}
