package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/portal"
	"github.com/hotline-dev/hotline/internal/ticket"
)

type portalSubmit struct {
	RequestType     ticket.RequestType `json:"request_type" doc:"default complaint"`
	CategoryID      string             `json:"category_id,omitempty" doc:"one of GET /api/v1/portal/categories"`
	Subject         string             `json:"subject,omitempty" doc:"at most 100 characters; taken from the description when left out"`
	Description     string             `json:"description" doc:"required, at most 2000 characters"`
	Phone           string             `json:"phone" doc:"mainland mobile or landline with area code"`
	Name            string             `json:"name,omitempty"`
	Address         string             `json:"address,omitempty"`
	Lat             *float64           `json:"lat,omitempty"`
	Lng             *float64           `json:"lng,omitempty"`
	ChallengeToken  string             `json:"challenge_token"`
	ChallengeAnswer string             `json:"challenge_answer"`
}

type portalCreated struct {
	Number      string    `json:"number"`
	LookupToken string    `json:"lookup_token" doc:"send it with photos for this request"`
	Status      string    `json:"status"`
	StatusText  string    `json:"status_text"`
	CreatedAt   time.Time `json:"created_at"`
}

// checkSubmit checks what a citizen sent, beside the field it concerns; it returns the
// normalised phone.
func checkSubmit(in *portalSubmit, catOK func(string) bool) (string, ticket.FieldErrors) {
	fe := ticket.FieldErrors{}
	in.Subject, in.Description = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Description)
	in.Name, in.Address = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address)
	tooLong := func(field, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			fe[field] = fmt.Sprintf("at most %d characters", n)
		}
	}
	tooLong("subject", in.Subject, portal.MaxSubject)
	tooLong("description", in.Description, portal.MaxDescription)
	tooLong("name", in.Name, portal.MaxName)
	tooLong("address", in.Address, portal.MaxAddress)
	if in.Description == "" {
		fe["description"] = "describe the request"
	}
	phone, ok := portal.NormalizePhone(in.Phone)
	if !ok {
		fe["phone"] = "a mainland mobile (11 digits) or a landline with its area code"
	}
	if in.RequestType == "" {
		in.RequestType = ticket.Complaint
	} else if !validRequestType(in.RequestType) {
		fe["request_type"] = "unknown request type"
	}
	if in.CategoryID != "" && !catOK(in.CategoryID) {
		fe["category_id"] = "no such category"
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		fe["lat"] = "lat and lng go together"
	}
	if in.Address == "" && in.Lat == nil {
		fe["address"] = "give an address or a point on the map"
	}
	if strings.TrimSpace(in.ChallengeToken) == "" || strings.TrimSpace(in.ChallengeAnswer) == "" {
		fe["challenge_answer"] = "answer the check question"
	}
	return phone, fe
}

func validRequestType(rt ticket.RequestType) bool {
	for _, k := range ticket.RequestTypes {
		if k.ID == rt {
			return true
		}
	}
	return false
}

func (a *api) portalCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in portalSubmit
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.names(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	phone, fe := checkSubmit(&in, func(id string) bool { return portalCategoryOK(n.cats, id) })
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	secret, ch, err := a.portalKeys(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Checked last, so a typo elsewhere does not cost the citizen the question; any answer
	// spends it, so it cannot be guessed at.
	if err := ch.Check(in.ChallengeToken, in.ChallengeAnswer, time.Now()); err != nil {
		a.fail(w, r, challengeError(err))
		return
	}
	t := &ticket.Ticket{Channel: ticket.ChannelPortal, RequestType: in.RequestType, CategoryID: in.CategoryID,
		Subject: in.Subject, Description: in.Description, Phone: phone, CitizenName: in.Name,
		Address: in.Address, Lat: in.Lat, Lng: in.Lng}
	if t.Lat != nil {
		if t.RegionID, err = a.svc.Locate(ctx, *t.Lat, *t.Lng); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	// Register commits before it returns: the number is only answered once it is durable.
	t, err = a.svc.Register(ctx, portalCitizen(phone), t, "市民诉求入口")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.metrics.ticketCreated(string(t.Channel))
	st := portal.StatusOf(t)
	w.Header().Set("Location", "/api/v1/portal/tickets/"+t.Number)
	writeJSON(w, http.StatusCreated, portalCreated{Number: t.Number, LookupToken: portal.LookupToken(secret, t.ID),
		Status: st.Code, StatusText: st.Text, CreatedAt: t.CreatedAt})
}

func challengeError(err error) error {
	if errors.Is(err, portal.ErrChallengeWrong) || errors.Is(err, portal.ErrChallengeExpired) ||
		errors.Is(err, portal.ErrChallengeUsed) || errors.Is(err, portal.ErrChallengeBad) {
		return badRequest(err.Error(), map[string]string{"challenge_answer": err.Error()})
	}
	return err
}
