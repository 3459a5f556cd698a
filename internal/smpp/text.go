package smpp

import (
	"encoding/binary"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// Octets of one short message, and what a concatenation UDH leaves of them.
const (
	smOctets  = 140
	udhOctets = 6 // 05 00 03 ref total seq
)

// encodeUCS2 is UTF-16BE: UCS-2 for the BMP, where every Chinese character
// in common use lies, and surrogate pairs beyond it as handsets read them.
func encodeUCS2(s string) []uint16 { return utf16.Encode([]rune(s)) }

func unitsToBytes(u []uint16) []byte {
	b := make([]byte, 2*len(u))
	for i, v := range u {
		binary.BigEndian.PutUint16(b[2*i:], v)
	}
	return b
}

func decodeUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// segments splits text into short messages of UCS-2: one of up to 70
// characters, or parts of up to 67 that carry a concatenation header with
// the same 8-bit reference. A surrogate pair is never cut in two.
func segments(text string, ref byte) [][]byte {
	u := encodeUCS2(text)
	if 2*len(u) <= smOctets {
		return [][]byte{unitsToBytes(u)}
	}
	per := (smOctets - udhOctets) / 2
	var parts [][]uint16
	for len(u) > 0 {
		n := min(per, len(u))
		if n < len(u) && utf16.IsSurrogate(rune(u[n-1])) && u[n-1] < 0xDC00 {
			n-- // keep the high surrogate with its low half
		}
		parts = append(parts, u[:n])
		u = u[n:]
	}
	out := make([][]byte, len(parts))
	for i, p := range parts {
		out[i] = append([]byte{0x05, 0x00, 0x03, ref, byte(len(parts)), byte(i + 1)}, unitsToBytes(p)...)
	}
	return out
}

// concat is a concatenation header read from an inbound message.
type concat struct {
	Ref         uint16
	Total, Part int
}

// splitUDH takes the user data header off a message whose esm_class has
// UDHI set and reads its concatenation element, 8- or 16-bit reference.
func splitUDH(sm []byte) (body []byte, c *concat) {
	if len(sm) == 0 || int(sm[0])+1 > len(sm) {
		return sm, nil
	}
	udh, body := sm[1:int(sm[0])+1], sm[int(sm[0])+1:]
	for len(udh) >= 2 {
		iei, n := udh[0], int(udh[1])
		if 2+n > len(udh) {
			break
		}
		v := udh[2 : 2+n]
		switch {
		case iei == 0x00 && n == 3:
			c = &concat{Ref: uint16(v[0]), Total: int(v[1]), Part: int(v[2])}
		case iei == 0x08 && n == 4:
			c = &concat{Ref: binary.BigEndian.Uint16(v), Total: int(v[2]), Part: int(v[3])}
		}
		udh = udh[2+n:]
	}
	if c != nil && (c.Total == 0 || c.Part == 0 || c.Part > c.Total) {
		c = nil
	}
	return body, c
}

// decodeText reads a short message in the codings a Chinese MC sends:
// UCS-2 above all, plain ASCII/IA5 and Latin-1 for receipts and Latin text.
func decodeText(dataCoding byte, b []byte) string {
	switch dataCoding & 0x0F {
	case dataCodingUCS:
		return decodeUCS2(b)
	case dataCodingL1:
		s, _ := charmap.ISO8859_1.NewDecoder().Bytes(b)
		return string(s)
	default:
		return string(b)
	}
}

// Receipt is an MC delivery receipt (esm_class 0x04), read from the
// de-facto format of SMPP 3.4 Appendix B and the receipted_message_id and
// message_state parameters where the MC sends them.
type Receipt struct {
	MessageID  string // the id submit_sm_resp gave
	Stat       string // DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE
	Err        string
	SubmitDate time.Time
	DoneDate   time.Time
	From, To   string
}

// Delivered says the handset has the message.
func (r Receipt) Delivered() bool { return r.Stat == "DELIVRD" }

// Final says no further receipt is coming for the message.
func (r Receipt) Final() bool { return r.Stat != "ENROUTE" && r.Stat != "ACCEPTD" && r.Stat != "" }

// messageStates maps the message_state TLV (§5.3.2.35) to receipt stats.
var messageStates = map[byte]string{1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"}

func parseReceipt(d deliverSM) Receipt {
	r := Receipt{From: d.Src.Addr, To: d.Dst.Addr}
	text := decodeText(d.DataCoding, d.Message)
	fields := map[string]string{}
	// keys may hold a space ("submit date"), so cut at each known key
	keys := []string{"id:", "sub:", "dlvrd:", "submit date:", "done date:", "stat:", "err:", "text:"}
	lower := strings.ToLower(text)
	for i, k := range keys {
		at := strings.Index(lower, k)
		if at < 0 {
			continue
		}
		rest := text[at+len(k):]
		end := len(rest)
		if i < len(keys)-1 {
			for _, next := range keys[i+1:] {
				if j := strings.Index(strings.ToLower(rest), " "+next); j >= 0 && j < end {
					end = j
				}
			}
		}
		fields[k] = strings.TrimSpace(rest[:end])
	}
	r.MessageID = fields["id:"]
	r.Stat = strings.ToUpper(fields["stat:"])
	r.Err = fields["err:"]
	r.SubmitDate = receiptDate(fields["submit date:"])
	r.DoneDate = receiptDate(fields["done date:"])
	if v := d.TLVs[tagReceiptedMessageID]; len(v) > 0 {
		r.MessageID = strings.TrimRight(string(v), "\x00")
	}
	if v := d.TLVs[tagMessageState]; len(v) == 1 && messageStates[v[0]] != "" {
		r.Stat = messageStates[v[0]]
	}
	return r
}

// receiptDate reads YYMMDDhhmm (or with seconds) in China's time, where the MC is.
func receiptDate(s string) time.Time {
	loc := time.FixedZone("CST", 8*3600)
	for _, layout := range []string{"0601021504", "060102150405"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	return time.Time{}
}
