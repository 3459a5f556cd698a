package media

import "testing"

func TestDTMFDetector(t *testing.T) {
	ev := func(code uint8, end bool, dur uint16) []byte {
		return TelephoneEvent{Event: code, End: end, Volume: 10, Duration: dur}.Marshal()
	}
	type pkt struct {
		ts      uint32
		payload []byte
	}
	tests := []struct {
		name string
		pkts []pkt
		want string
	}{
		{"one key with redundant end packets", []pkt{{100, ev(5, false, 160)}, {100, ev(5, false, 320)}, {100, ev(5, true, 480)}, {100, ev(5, true, 480)}, {100, ev(5, true, 480)}}, "5"},
		{"same key twice", []pkt{{100, ev(1, false, 160)}, {100, ev(1, true, 320)}, {900, ev(1, false, 160)}, {900, ev(1, true, 320)}}, "11"},
		{"star pound and letters", []pkt{{1, ev(10, true, 1)}, {2, ev(11, true, 1)}, {3, ev(12, true, 1)}}, "*#A"},
		{"short payload ignored", []pkt{{1, []byte{1, 2}}}, ""},
		{"non-key event ignored", []pkt{{1, ev(66, true, 1)}}, ""},
	}
	for _, tt := range tests {
		var d DTMFDetector
		got := ""
		for _, p := range tt.pkts {
			if k := d.Packet(p.ts, p.payload); k != 0 {
				got += string(k)
			}
		}
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTelephoneEventRoundTrip(t *testing.T) {
	in := TelephoneEvent{Event: 11, End: true, Volume: 7, Duration: 1234}
	out, err := ParseTelephoneEvent(in.Marshal())
	if err != nil || out != in {
		t.Fatalf("%+v %v", out, err)
	}
	if c, ok := EventForDigit('#'); !ok || c != 11 {
		t.Fatalf("# → %d", c)
	}
	if _, ok := EventForDigit('x'); ok {
		t.Fatal("x is not a key")
	}
}
