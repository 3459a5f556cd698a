package media

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestMixerSumsLegsAndFeedsTap(t *testing.T) {
	w, err := CreateWAV(filepath.Join(t.TempDir(), "m.wav"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMixer(w, time.Hour)
	var frames atomic.Int32
	var loudest atomic.Int32
	m.SetTap(func(f []int16) {
		frames.Add(1)
		for _, s := range f {
			if int32(s) > loudest.Load() {
				loudest.Store(int32(s))
			}
		}
	})
	caller, agent := make([]int16, FrameSamples), make([]int16, FrameSamples)
	for i := range caller {
		caller[i], agent[i] = 20000, 20000 // sum clips at full scale
	}
	m.Caller(caller)
	m.Agent(agent)
	time.Sleep(100 * time.Millisecond)
	m.SetTap(nil)
	time.Sleep(30 * time.Millisecond) // a frame already handed to the tap may still land
	n := frames.Load()
	time.Sleep(60 * time.Millisecond)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if n < 3 || frames.Load() != n {
		t.Fatalf("tap got %d frames, then %d after removal", n, frames.Load())
	}
	if loudest.Load() != 32767 {
		t.Fatalf("mix peak %d, want clipped 32767", loudest.Load())
	}
}
