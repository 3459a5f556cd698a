package media

import (
	"math"
	"testing"
)

func TestG711KnownValues(t *testing.T) {
	// Reference points from ITU-T G.711: silence and full scale.
	tests := []struct {
		name string
		enc  func(int16) byte
		in   int16
		want byte
	}{
		{"ulaw zero", ulawEncode, 0, 0xff},
		{"ulaw max", ulawEncode, 32767, 0x80},
		{"ulaw min", ulawEncode, -32768, 0x00},
		{"alaw zero", alawEncode, 0, 0xd5},
		{"alaw max", alawEncode, 32767, 0xaa},
		{"alaw min", alawEncode, -32768, 0x2a},
	}
	for _, tt := range tests {
		if got := tt.enc(tt.in); got != tt.want {
			t.Errorf("%s: %#x, want %#x", tt.name, got, tt.want)
		}
	}
}

func TestG711RoundTrip(t *testing.T) {
	codecs := []Codec{PCMU, PCMA}
	for _, c := range codecs {
		// Every code decodes to a value that encodes back to an equivalent code.
		for i := range 256 {
			s := c.Decode([]byte{byte(i)}, nil)[0]
			back := c.Encode([]int16{s}, nil)[0]
			if again := c.Decode([]byte{back}, nil)[0]; again != s {
				t.Errorf("%s code %#x: %d → %#x → %d", c.Name, i, s, back, again)
			}
		}
		// Quantisation error stays within a segment step (≤ 1/16 of magnitude + small floor).
		for x := -32768; x <= 32767; x += 7 {
			s := int16(x)
			got := c.Decode(c.Encode([]int16{s}, nil), nil)[0]
			if err := math.Abs(float64(got) - float64(s)); err > math.Abs(float64(s))/16+140 {
				t.Fatalf("%s: %d decoded as %d", c.Name, s, got)
			}
		}
	}
}

func TestCodecByPT(t *testing.T) {
	if c, ok := CodecByPT(0); !ok || c.Name != "PCMU" {
		t.Fatal("PT 0")
	}
	if c, ok := CodecByPT(8); !ok || c.Name != "PCMA" {
		t.Fatal("PT 8")
	}
	if _, ok := CodecByPT(18); ok {
		t.Fatal("G.729 is not supported")
	}
}

func TestG711TablesMatchTheEncoders(t *testing.T) {
	for i := math.MinInt16; i <= math.MaxInt16; i++ {
		s := int16(i)
		if u := EncodeULaw([]int16{s}, nil)[0]; u != ulawEncode(s) {
			t.Fatalf("µ-law %d: table %#x, encoder %#x", s, u, ulawEncode(s))
		}
		if a := EncodeALaw([]int16{s}, nil)[0]; a != alawEncode(s) {
			t.Fatalf("A-law %d: table %#x, encoder %#x", s, a, alawEncode(s))
		}
	}
}
