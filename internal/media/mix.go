package media

import (
	"sync"
	"sync/atomic"
	"time"
)

// Mixer records two legs (caller and agent) into one mono WAV. Each leg's samples queue in
// its own buffer; a clock takes one 20 ms frame from each per 20 ms of wall time, adds
// them and writes the sum, so the file is as long as the call even when one side is
// silent or sends nothing.
type Mixer struct {
	w      *WAVWriter
	mu     sync.Mutex
	legs   [3][]int16 // caller, agent, supervisor
	start  time.Time
	frames int64
	stop   chan struct{}
	done   chan struct{}
	err    error
	tap    atomic.Pointer[func([]int16)]
	frame  []int16 // the frame being mixed, reused by the clock
}

// SetTap hands every mixed 20 ms frame to f as well (a supervisor listening in, 监听);
// nil removes it. f runs on the mixer's clock, must not block and must not keep frame
// (the mixer reuses it).
func (m *Mixer) SetTap(f func(frame []int16)) {
	if f == nil {
		m.tap.Store(nil)
		return
	}
	m.tap.Store(&f)
}

// maxBacklog bounds each leg's buffer (jitter); older audio is dropped past it.
const maxBacklog = SampleRate / 2

// NewMixer starts recording into w. flushEvery is how often the WAV header is patched.
func NewMixer(w *WAVWriter, flushEvery time.Duration) *Mixer {
	m := &Mixer{w: w, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go m.run(flushEvery)
	return m
}

// Caller adds audio heard from the caller.
func (m *Mixer) Caller(pcm []int16) { m.feed(0, pcm) }

// Agent adds audio heard from the agent.
func (m *Mixer) Agent(pcm []int16) { m.feed(1, pcm) }

// Supervisor adds audio of a supervisor who whispers or barges in.
func (m *Mixer) Supervisor(pcm []int16) { m.feed(2, pcm) }

func (m *Mixer) feed(leg int, pcm []int16) {
	m.mu.Lock()
	b := append(m.legs[leg], pcm...)
	if over := len(b) - maxBacklog; over > 0 {
		b = b[over:]
	}
	m.legs[leg] = b
	m.mu.Unlock()
}

func (m *Mixer) run(flushEvery time.Duration) {
	defer close(m.done)
	tick := time.NewTicker(frameTime)
	defer tick.Stop()
	lastFlush := time.Now()
	for {
		select {
		case <-m.stop:
			m.writeDue(time.Now())
			m.err = m.w.Close()
			return
		case now := <-tick.C:
			m.writeDue(now)
			if now.Sub(lastFlush) >= flushEvery {
				lastFlush = now
				if err := m.w.Flush(); err != nil && m.err == nil {
					m.err = err
				}
			}
		}
	}
}

// writeDue writes every frame that wall time says is owed, catching up after a stall.
func (m *Mixer) writeDue(now time.Time) {
	due := int64(now.Sub(m.start) / frameTime)
	if m.frame == nil {
		m.frame = make([]int16, FrameSamples)
	}
	frame := m.frame
	for ; m.frames < due; m.frames++ {
		clear(frame)
		m.mu.Lock()
		for leg := range m.legs {
			b := m.legs[leg]
			n := min(len(b), FrameSamples)
			for i := range n {
				frame[i] = clip(int32(frame[i]) + int32(b[i]))
			}
			m.legs[leg] = b[n:]
		}
		m.mu.Unlock()
		if err := m.w.Write(frame); err != nil && m.err == nil {
			m.err = err
		}
		if tap := m.tap.Load(); tap != nil {
			(*tap)(frame)
		}
	}
}

func clip(v int32) int16 {
	return int16(max(-32768, min(32767, v)))
}

// Close writes what is owed, finalises the WAV and returns the first error met.
func (m *Mixer) Close() error {
	select {
	case <-m.stop:
	default:
		close(m.stop)
	}
	<-m.done
	return m.err
}
