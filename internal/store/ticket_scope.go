package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// ticketScope is what a ticket list and a ticket search both filter on.
type ticketScope struct {
	states       []ticket.State
	departmentID string
	categoryIDs  []string
	regionIDs    []string
	from, to     time.Time
	departments  []string // a department user's scope; nil: no limit
}

// conds writes the scope as SQL conditions on columns prefixed by p ("" or "t."): arg binds
// a value, in writes a column IN list, and ordered writes the IN lists of the list's own
// filters (states, categories, regions), which a list may read its own way (it may answer ""
// when it takes the filter elsewhere). none reports an empty department scope: nothing matches.
func (sc ticketScope) conds(p string, arg func(any) string, in, ordered func(col string, vals []string) string) (conds []string, none bool) {
	and := func(c string) {
		if c != "" {
			conds = append(conds, c)
		}
	}
	if len(sc.states) > 0 {
		vals := make([]string, len(sc.states))
		for i, st := range sc.states {
			vals[i] = string(st)
		}
		and(ordered(p+"state", vals))
	}
	if sc.departmentID != "" {
		and(p + "department_id = " + arg(sc.departmentID))
	}
	if len(sc.categoryIDs) > 0 {
		and(ordered(p+"category_id", sc.categoryIDs))
	}
	if len(sc.regionIDs) > 0 {
		and(ordered(p+"region_id", sc.regionIDs))
	}
	if !sc.from.IsZero() {
		and(p + "created_at >= " + arg(ms(sc.from)))
	}
	if !sc.to.IsZero() {
		and(p + "created_at < " + arg(ms(sc.to)))
	}
	if sc.departments != nil {
		if len(sc.departments) == 0 {
			return nil, true
		}
		// Held, sub-dispatched (下派) or co-handled (协办) by one of them.
		and("(" + in(p+"department_id", sc.departments) + " OR " + in(p+"parent_department_id", sc.departments) +
			" OR " + p + "id IN (SELECT ticket_id FROM ticket_co_departments WHERE " + in("department_id", sc.departments) + "))")
	}
	return conds, false
}

// binder numbers a statement's arguments ($1, $2, …) as its conditions are written.
type binder struct{ args []any }

func (b *binder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *binder) in(col string, vals []string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = b.arg(v)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}
