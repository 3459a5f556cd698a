package media

import (
	"encoding/binary"
	"errors"
)

// RFC 4733 telephone-event payload.

// TelephoneEvent is one named DTMF event packet.
type TelephoneEvent struct {
	Event    uint8 // 0-9, 10 = *, 11 = #, 12-15 = A-D
	End      bool
	Volume   uint8
	Duration uint16 // in timestamp units
}

// ParseTelephoneEvent decodes a 4-byte RFC 4733 payload.
func ParseTelephoneEvent(p []byte) (TelephoneEvent, error) {
	if len(p) < 4 {
		return TelephoneEvent{}, errors.New("telephone-event: short payload")
	}
	return TelephoneEvent{
		Event:    p[0],
		End:      p[1]&0x80 != 0,
		Volume:   p[1] & 0x3f,
		Duration: binary.BigEndian.Uint16(p[2:]),
	}, nil
}

// Marshal encodes the event payload.
func (e TelephoneEvent) Marshal() []byte {
	b := []byte{e.Event, e.Volume & 0x3f, 0, 0}
	if e.End {
		b[1] |= 0x80
	}
	binary.BigEndian.PutUint16(b[2:], e.Duration)
	return b
}

const dtmfDigits = "0123456789*#ABCD"

// Digit returns the key of the event, or 0 for events that are not DTMF keys.
func (e TelephoneEvent) Digit() rune {
	if int(e.Event) < len(dtmfDigits) {
		return rune(dtmfDigits[e.Event])
	}
	return 0
}

// EventForDigit is the event code of a key, or false.
func EventForDigit(d rune) (uint8, bool) {
	for i, c := range dtmfDigits {
		if c == d {
			return uint8(i), true
		}
	}
	return 0, false
}

// DTMFDetector turns a stream of telephone-event packets into key presses. One key press
// is sent as many packets sharing an RTP timestamp (plus three redundant end packets), so
// a key is reported once, on the first packet of a new timestamp.
type DTMFDetector struct {
	seen   bool
	lastTS uint32
}

// Packet feeds one telephone-event packet and returns the key pressed, or 0.
func (d *DTMFDetector) Packet(timestamp uint32, payload []byte) rune {
	ev, err := ParseTelephoneEvent(payload)
	if err != nil {
		return 0
	}
	if d.seen && timestamp == d.lastTS {
		return 0
	}
	d.seen, d.lastTS = true, timestamp
	return ev.Digit()
}
