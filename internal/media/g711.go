// Package media moves and stores call audio: G.711 codecs, RTP sessions and the relay
// between two call legs, RFC 4733 telephone events, WAV recording, mixing and prompts.
package media

// G.711 (ITU-T) companding, written from the standard's segment tables; decoding goes
// through 256-entry tables built once, encoding is a few shifts.

// Codec is one negotiated audio payload format.
type Codec struct {
	PT     uint8
	Name   string // SDP rtpmap name
	Encode func(pcm []int16, out []byte) []byte
	Decode func(payload []byte, out []int16) []int16
}

// Payload types of the static RTP profile (RFC 3551).
const (
	PTPCMU uint8 = 0
	PTPCMA uint8 = 8
)

var (
	PCMU = Codec{PT: PTPCMU, Name: "PCMU", Encode: EncodeULaw, Decode: DecodeULaw}
	PCMA = Codec{PT: PTPCMA, Name: "PCMA", Encode: EncodeALaw, Decode: DecodeALaw}
)

// CodecByPT returns the G.711 codec for a static payload type.
func CodecByPT(pt uint8) (Codec, bool) {
	switch pt {
	case PTPCMU:
		return PCMU, true
	case PTPCMA:
		return PCMA, true
	}
	return Codec{}, false
}

var ulawTable, alawTable [256]int16

// Encoding tables for every 16-bit sample (64 KiB each): relaying a call transcodes 50
// packets a second each way, and the bit search per sample showed in its profile.
var ulawEnc, alawEnc [1 << 16]byte

func init() {
	for i := range 256 {
		ulawTable[i] = ulawDecode(byte(i))
		alawTable[i] = alawDecode(byte(i))
	}
	for i := range 1 << 16 {
		ulawEnc[i] = ulawEncode(int16(uint16(i)))
		alawEnc[i] = alawEncode(int16(uint16(i)))
	}
}

const (
	ulawBias = 0x84
	ulawClip = 32635
)

func ulawEncode(s int16) byte {
	x := int(s)
	sign := 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	x = min(x, ulawClip) + ulawBias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

func ulawDecode(u byte) int16 {
	u = ^u
	exp := int(u>>4) & 7
	x := ((int(u&0x0f) << 3) + ulawBias) << exp
	x -= ulawBias
	if u&0x80 != 0 {
		return int16(-x)
	}
	return int16(x)
}

var alawSegEnd = [8]int{0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff}

func alawEncode(s int16) byte {
	x := int(s) >> 3 // A-law works on 13 bits
	mask := byte(0xd5)
	if x < 0 {
		mask = 0x55
		x = -x - 1
	}
	seg := 0
	for seg < 8 && x > alawSegEnd[seg] {
		seg++
	}
	if seg >= 8 {
		return 0x7f ^ mask
	}
	a := byte(seg << 4)
	if seg < 2 {
		a |= byte(x>>1) & 0x0f
	} else {
		a |= byte(x>>seg) & 0x0f
	}
	return a ^ mask
}

func alawDecode(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0f) << 4
	seg := int(a&0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

// EncodeULaw appends the µ-law encoding of pcm to out.
func EncodeULaw(pcm []int16, out []byte) []byte {
	for _, s := range pcm {
		out = append(out, ulawEnc[uint16(s)])
	}
	return out
}

// DecodeULaw appends the linear samples of a µ-law payload to out.
func DecodeULaw(p []byte, out []int16) []int16 {
	for _, b := range p {
		out = append(out, ulawTable[b])
	}
	return out
}

// EncodeALaw appends the A-law encoding of pcm to out.
func EncodeALaw(pcm []int16, out []byte) []byte {
	for _, s := range pcm {
		out = append(out, alawEnc[uint16(s)])
	}
	return out
}

// DecodeALaw appends the linear samples of an A-law payload to out.
func DecodeALaw(p []byte, out []int16) []int16 {
	for _, b := range p {
		out = append(out, alawTable[b])
	}
	return out
}
