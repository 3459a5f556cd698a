// Package sip holds the SIP pieces of the call centre that sit on top of sipgo: SDP
// offer/answer for G.711, the registrar with digest authentication, and the guard that
// answers unparseable requests with 400 instead of dropping them.
package sip

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// Media is what a peer's SDP says about its audio stream.
type Media struct {
	IP        net.IP
	Port      int
	Codecs    []uint8 // G.711 payload types offered, in the peer's preference order
	DTMFPT    uint8   // telephone-event payload type, 0 if not offered
	Direction string  // sendrecv, sendonly, recvonly or inactive
}

// Addr is where to send RTP.
func (m Media) Addr() *net.UDPAddr { return &net.UDPAddr{IP: m.IP, Port: m.Port} }

// Hold reports whether the peer put the call on hold (RFC 3264 §8.4).
func (m Media) Hold() bool {
	return m.Direction == "sendonly" || m.Direction == "inactive" || m.IP.IsUnspecified()
}

var (
	ErrNoAudio      = errors.New("sdp: no audio stream")
	ErrNoCodec      = errors.New("sdp: no G.711 codec offered")
	ErrBadConnAddr  = errors.New("sdp: bad connection address")
	errSDPTooLarge  = errors.New("sdp: body too large")
	maxSDPBodyBytes = 16 << 10
)

// ParseSDP reads the first audio stream of an SDP body.
func ParseSDP(body []byte) (Media, error) {
	if len(body) > maxSDPBodyBytes {
		return Media{}, errSDPTooLarge
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return Media{}, fmt.Errorf("sdp: %w", err)
	}
	for _, md := range sd.MediaDescriptions {
		if md.MediaName.Media != "audio" {
			continue
		}
		m := Media{Port: md.MediaName.Port.Value, Direction: "sendrecv"}
		conn := md.ConnectionInformation
		if conn == nil {
			conn = sd.ConnectionInformation
		}
		if conn == nil || conn.Address == nil {
			return Media{}, ErrBadConnAddr
		}
		m.IP = net.ParseIP(conn.Address.Address)
		if m.IP == nil || m.Port < 0 || m.Port > 65535 {
			return Media{}, ErrBadConnAddr
		}
		rtpmap := map[uint8]string{}
		for _, a := range md.Attributes {
			switch a.Key {
			case "rtpmap":
				pt, name, ok := strings.Cut(a.Value, " ")
				n, err := strconv.ParseUint(pt, 10, 8)
				if ok && err == nil {
					rtpmap[uint8(n)] = strings.ToLower(name)
				}
			case "sendrecv", "sendonly", "recvonly", "inactive":
				m.Direction = a.Key
			}
		}
		for _, a := range sd.Attributes {
			switch a.Key {
			case "sendonly", "recvonly", "inactive":
				if m.Direction == "sendrecv" {
					m.Direction = a.Key
				}
			}
		}
		for _, f := range md.MediaName.Formats {
			n, err := strconv.ParseUint(f, 10, 8)
			if err != nil {
				continue
			}
			pt := uint8(n)
			name := rtpmap[pt]
			switch {
			case pt == 0 && (name == "" || strings.HasPrefix(name, "pcmu/")),
				pt == 8 && (name == "" || strings.HasPrefix(name, "pcma/")):
				m.Codecs = append(m.Codecs, pt)
			case strings.HasPrefix(name, "telephone-event/8000"):
				m.DTMFPT = pt
			}
		}
		if len(m.Codecs) == 0 {
			return m, ErrNoCodec
		}
		return m, nil
	}
	return Media{}, ErrNoAudio
}

// DefaultDTMFPT is the telephone-event payload type we offer.
const DefaultDTMFPT uint8 = 101

// Description builds our SDP: one audio stream on ip:port with the given G.711 codecs
// (first preferred) and telephone-event when dtmfPT is not 0.
func Description(ip string, port int, sessionID uint64, codecs []uint8, dtmfPT uint8, direction string) []byte {
	if direction == "" {
		direction = "sendrecv"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "v=0\r\no=hotline %d %d IN IP4 %s\r\ns=hotline\r\nc=IN IP4 %s\r\nt=0 0\r\n", sessionID, sessionID, ip, ip)
	fmt.Fprintf(&b, "m=audio %d RTP/AVP", port)
	for _, c := range codecs {
		fmt.Fprintf(&b, " %d", c)
	}
	if dtmfPT != 0 {
		fmt.Fprintf(&b, " %d", dtmfPT)
	}
	b.WriteString("\r\n")
	for _, c := range codecs {
		name := "PCMU"
		if c == 8 {
			name = "PCMA"
		}
		fmt.Fprintf(&b, "a=rtpmap:%d %s/8000\r\n", c, name)
	}
	if dtmfPT != 0 {
		fmt.Fprintf(&b, "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-16\r\n", dtmfPT, dtmfPT)
	}
	fmt.Fprintf(&b, "a=ptime:20\r\na=%s\r\n", direction)
	return []byte(b.String())
}

// Answer picks the peer's preferred G.711 codec and keeps its telephone-event type, as
// RFC 3264 asks of an answerer. A hold offer gets the matching direction back.
func Answer(offer Media, ip string, port int, sessionID uint64) (body []byte, codec uint8) {
	codec = offer.Codecs[0]
	dir := "sendrecv"
	switch offer.Direction {
	case "sendonly":
		dir = "recvonly"
	case "recvonly":
		dir = "sendonly"
	case "inactive":
		dir = "inactive"
	}
	return Description(ip, port, sessionID, []uint8{codec}, offer.DTMFPT, dir), codec
}
