package outbox

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Surveys turns a citizen's SMS answer to the satisfaction survey (满意度回访: "1 满意，
// 2 基本满意，3 不满意") into the ticket's callback result. The answer belongs to the latest
// survey sent to the number.
type Surveys struct {
	Store   *store.Store
	Service *workorder.Service
	// Principal acts for the survey; by default a dispatcher named sms-survey.
	Principal access.Principal
	Log       *slog.Logger
}

// ParseAnswer reads a survey reply: the digit (half- or full-width) or the words.
func ParseAnswer(text string) (ticket.Satisfaction, bool) {
	s := strings.TrimSpace(strings.NewReplacer("１", "1", "２", "2", "３", "3", "。", "", ".", "").Replace(text))
	switch {
	case s == "1" || strings.HasPrefix(s, "1 ") || s == "满意" || s == "非常满意":
		return ticket.Satisfied, true
	case s == "2" || strings.HasPrefix(s, "2 ") || s == "基本满意":
		return ticket.BasicSatisfied, true
	case s == "3" || strings.HasPrefix(s, "3 ") || strings.HasPrefix(s, "不满意"):
		return ticket.Unsatisfied, true
	}
	return "", false
}

// numberForms are the ways the message centre may write a mainland number.
func numberForms(from string) []string {
	n := strings.TrimPrefix(strings.TrimSpace(from), "+")
	forms := []string{n}
	if strings.HasPrefix(n, "86") && len(n) == 13 {
		forms = append(forms, n[2:])
	} else if len(n) == 11 {
		forms = append(forms, "86"+n, "+86"+n)
	}
	return forms
}

// Handle records in as a survey answer. It reports false when the text is not an answer or
// no open survey waits on that number (the caller may then treat it as a new request).
func (s *Surveys) Handle(ctx context.Context, in smpp.Inbound) (bool, error) {
	sat, ok := ParseAnswer(in.Text)
	if !ok {
		return false, nil
	}
	m, err := s.Store.LatestSurveyTo(ctx, "sms", numberForms(in.From))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p := s.Principal
	if p.Role == "" {
		p = access.Principal{UserID: "sms-survey", Username: "sms-survey", Role: access.Dispatcher}
	}
	cmd := ticket.Command{Action: ticket.ActCallback, Satisfaction: sat, Note: "短信回访：" + strings.TrimSpace(in.Text)}
	_, _, err = s.Service.Act(ctx, p, m.TicketNumber, cmd)
	var illegal *ticket.IllegalError
	if errors.As(err, &illegal) {
		// Already answered (by phone, or an earlier SMS): the first answer stands.
		if s.Log != nil {
			s.Log.Info("outbox: survey answer for a ticket no longer awaiting one", "ticket", m.TicketNumber)
		}
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// OnMessage is for smpp.Config.OnMessage: an error makes the message centre deliver again.
func (s *Surveys) OnMessage(in smpp.Inbound) error {
	_, err := s.Handle(context.Background(), in)
	return err
}
