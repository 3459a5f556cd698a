package media

import (
	"context"
	"time"
)

// FrameSamples is 20 ms at 8 kHz, the usual G.711 packet.
const FrameSamples = 160

const frameTime = 20 * time.Millisecond

// Play sends pcm to the session as 20 ms packets in real time. It paces against the start
// time, not a ticker, so a slow scheduler never stretches the prompt. It returns early
// with the context's error, e.g. when the caller presses a key over the prompt.
func Play(ctx context.Context, s *Session, pcm []int16) error {
	start := time.Now()
	for i := 0; i < len(pcm); i += FrameSamples {
		frame := pcm[i:min(i+FrameSamples, len(pcm))]
		if len(frame) < FrameSamples {
			padded := make([]int16, FrameSamples)
			copy(padded, frame)
			frame = padded
		}
		if err := s.WritePCM(frame); err != nil {
			return err
		}
		due := start.Add(time.Duration(i/FrameSamples+1) * frameTime)
		t := time.NewTimer(time.Until(due))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.Done():
			t.Stop()
			return s.Err()
		case <-t.C:
		}
	}
	return nil
}

// Silence returns d of silence, for pauses between prompts.
func Silence(d time.Duration) []int16 {
	return make([]int16, int(d/time.Millisecond)*SampleRate/1000)
}
