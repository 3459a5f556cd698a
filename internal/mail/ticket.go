package mail

import (
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// SubjectTag is how a ticket number stands in a subject: [工单 2026112100001].
func SubjectTag(ticketNo string) string { return "[工单 " + ticketNo + "]" }

// ticketRE finds a ticket number after a marker a citizen's mail client or the
// citizen may have written: [工单 N], 工单号：N, 工单编号 N, Ticket #N.
// A bare number is not taken: it may be a phone number.
var ticketRE = regexp.MustCompile(`(?i)(?:工单(?:编号|号)?|ticket)\s*(?:no\.?|number)?\s*[:：#＃]?\s*(\d{8,20})`)

// decoder reads encoded words in the charsets Chinese mail clients use
// (GB2312, GBK, GB18030, Big5) as well as UTF-8.
var decoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}}

// DecodeSubject turns RFC 2047 encoded words into text; an undecodable
// subject is returned as it came.
func DecodeSubject(raw string) string {
	s, err := decoder.DecodeHeader(raw)
	if err != nil {
		return raw
	}
	return s
}

// TicketFromSubject extracts the ticket number from an inbound subject,
// encoded or not ("Re: 回复：[工单 2026112100001] …"); "" if there is none.
func TicketFromSubject(subject string) string {
	m := ticketRE.FindStringSubmatch(DecodeSubject(subject))
	if m == nil {
		return ""
	}
	return m[1]
}

var numberRE = regexp.MustCompile(`^\d{8,20}$`)

var threadRE = regexp.MustCompile(`<ticket-(\d{8,20})@[^>]+>`)

// TicketFromHeader finds the ticket an inbound mail belongs to: our
// X-Hotline-Ticket header, then our thread id in In-Reply-To or References
// (which survive a citizen rewriting the subject), then the subject.
func TicketFromHeader(h netmail.Header) string {
	if t := strings.TrimSpace(h.Get("X-Hotline-Ticket")); numberRE.MatchString(t) {
		return t
	}
	for _, k := range []string{"In-Reply-To", "References"} {
		if m := threadRE.FindStringSubmatch(h.Get(k)); m != nil {
			return m[1]
		}
	}
	return TicketFromSubject(h.Get("Subject"))
}
