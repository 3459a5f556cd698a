package kb

import (
	"context"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/dedup"
	"github.com/hotline-dev/hotline/internal/hotword"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Duplicate is a likely duplicate (重复件) of a ticket.
type Duplicate struct {
	dedup.Candidate
	Number  string       `json:"number"`
	Subject string       `json:"subject"`
	State   ticket.State `json:"state"`
	Created time.Time    `json:"created_at"`
}

func dedupTicket(t *ticket.Ticket) dedup.Ticket {
	d := dedup.Ticket{ID: t.ID, Phone: t.Phone, Address: t.Address, Subject: t.Subject, Text: t.Description,
		CategoryID: t.CategoryID, CreatedAt: t.CreatedAt}
	if t.Lat != nil && t.Lng != nil {
		d.Location = &dedup.Point{Lat: *t.Lat, Lng: *t.Lng}
	}
	return d
}

// Duplicates scores the tickets the principal may see that were created within the dedup
// window around the ticket (the newest 1000 of them, plus every ticket from the same
// phone) and returns the likely duplicates, best first.
func Duplicates(ctx context.Context, svc *workorder.Service, p access.Principal, number string) ([]Duplicate, error) {
	if _, err := svc.Get(ctx, p, number); err != nil {
		return nil, err
	}
	t, err := svc.Store.TicketByNumber(ctx, number) // unmasked phone for the comparison
	if err != nil {
		return nil, err
	}
	opt := dedup.DefaultOptions()
	f := store.TicketFilter{From: t.CreatedAt.Add(-opt.Window), To: t.CreatedAt.Add(opt.Window), Limit: 500}
	seen := map[string]*ticket.Ticket{}
	var cands []dedup.Ticket
	add := func(page store.TicketPage) {
		for _, c := range page.Tickets {
			if seen[c.ID] == nil && c.State != ticket.Merged {
				seen[c.ID] = c
				cands = append(cands, dedupTicket(c))
			}
		}
	}
	for i := 0; i < 2; i++ {
		page, err := svc.List(ctx, p, f)
		if err != nil {
			return nil, err
		}
		add(page)
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if t.Phone != "" {
		page, err := svc.Store.ListTickets(ctx, store.TicketFilter{Text: t.Phone, From: t.CreatedAt.Add(-opt.Window), Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, c := range page.Tickets { // only those the principal may see
			if p.Sees(c) {
				add(store.TicketPage{Tickets: []*ticket.Ticket{c}})
			}
		}
	}
	out := []Duplicate{}
	for _, c := range dedup.Find(dedupTicket(t), cands, opt) {
		o := seen[c.TicketID]
		out = append(out, Duplicate{Candidate: c, Number: o.Number, Subject: o.Subject, State: o.State, Created: o.CreatedAt})
	}
	return out, nil
}

// HotWordQuery selects the tickets of a period.
type HotWordQuery struct {
	From, To    time.Time
	CategoryIDs []string
	RegionIDs   []string
	Rising      bool // compare with the period of the same length before
	Limit       int
}

// HotWords returns the top (or rising) terms of the tickets created in a period
// (at most the newest 20 000 tickets are read), for the principal's scope.
func HotWords(ctx context.Context, svc *workorder.Service, p access.Principal, q HotWordQuery) ([]hotword.Term, error) {
	if !p.Has(access.ViewTickets) {
		return nil, ErrForbidden
	}
	seg, err := Segmenter()
	if err != nil {
		return nil, err
	}
	docs := func(from, to time.Time) ([][]string, error) {
		f := store.TicketFilter{From: from, To: to, CategoryIDs: q.CategoryIDs, RegionIDs: q.RegionIDs, Limit: 500}
		var out [][]string
		for len(out) < 20000 {
			page, err := svc.List(ctx, p, f)
			if err != nil {
				return nil, err
			}
			for _, t := range page.Tickets {
				out = append(out, seg.Words(strings.TrimSpace(t.Subject+"\n"+t.Description)))
			}
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		return out, nil
	}
	cur, err := docs(q.From, q.To)
	if err != nil {
		return nil, err
	}
	opt := hotword.DefaultOptions()
	if q.Limit > 0 {
		opt.Limit = q.Limit
	}
	if !q.Rising {
		return hotword.Top(cur, opt), nil
	}
	bg, err := docs(q.From.Add(-q.To.Sub(q.From)), q.From)
	if err != nil {
		return nil, err
	}
	return hotword.Rising(cur, bg, opt), nil
}
