package media

import (
	"bytes"
	"testing"
)

// FuzzReadWAV: prompt files come from configuration; no file may panic the reader, and
// what it accepts is whole samples.
func FuzzReadWAV(f *testing.F) {
	f.Add(wavHeader(0))
	good := append(wavHeader(4), 1, 0, 2, 0)
	f.Add(good)
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEjunk\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, err := ReadWAV(bytes.NewReader(b))
		if err == nil && len(pcm) > len(b)/2 {
			t.Fatalf("%d samples from %d bytes", len(pcm), len(b))
		}
	})
}

// FuzzTelephoneEvent: any RTP payload on the event type is safe and round-trips.
func FuzzTelephoneEvent(f *testing.F) {
	f.Add([]byte{5, 0x8a, 0x01, 0xe0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, p []byte) {
		ev, err := ParseTelephoneEvent(p)
		if err != nil {
			return
		}
		back, err := ParseTelephoneEvent(ev.Marshal())
		if err != nil || back != ev {
			t.Fatalf("%+v → %+v (%v)", ev, back, err)
		}
		var d DTMFDetector
		d.Packet(1, p)
	})
}
