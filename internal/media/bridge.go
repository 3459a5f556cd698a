package media

import (
	"sync"
	"sync/atomic"
)

// Inject is audio from a third party (a supervisor whispering 密语 or barging in 强插)
// mixed into a relayed stream. It rides on the packets of the stream it joins, so it
// needs no clock of its own.
type Inject struct {
	mu    sync.Mutex
	buf   []int16
	taken atomic.Int64
}

// Push queues audio to be mixed in; past half a second of backlog the oldest is dropped.
func (i *Inject) Push(pcm []int16) {
	i.mu.Lock()
	i.buf = append(i.buf, pcm...)
	if over := len(i.buf) - maxBacklog; over > 0 {
		i.buf = i.buf[over:]
	}
	i.mu.Unlock()
}

// Taken is the number of samples mixed into the stream so far.
func (i *Inject) Taken() int64 { return i.taken.Load() }

func (i *Inject) mixInto(dst, pcm []int16) []int16 {
	dst = append(dst[:0], pcm...)
	i.mu.Lock()
	n := min(len(i.buf), len(dst))
	for k := range n {
		dst[k] = clip(int32(dst[k]) + int32(i.buf[k]))
	}
	i.buf = i.buf[n:]
	i.mu.Unlock()
	i.taken.Add(int64(n))
	return dst
}

// Bridge relays audio both ways between the caller and agent legs, transcoding when they
// negotiated different G.711 laws, and feeds the mixer when rec is not nil. Keys pressed
// on either side go to onDigit (leg 0 caller, 1 agent). toAgent and toCaller, when not
// nil, are mixed into what the agent and the caller hear.
func Bridge(caller, agent *Session, rec *Mixer, onDigit func(leg int, key rune), toAgent, toCaller *Inject) {
	relay := func(to *Session, leg int, inj *Inject) Handlers {
		var mixed []int16
		return Handlers{
			Audio: func(pcm []int16) {
				if inj != nil {
					mixed = inj.mixInto(mixed, pcm)
					to.WritePCM(mixed)
				} else {
					to.WritePCM(pcm)
				}
				if rec != nil {
					rec.feed(leg, pcm)
				}
			},
			Digit: func(k rune) {
				if onDigit != nil {
					onDigit(leg, k)
				}
			},
		}
	}
	caller.SetHandlers(relay(agent, 0, toAgent))
	agent.SetHandlers(relay(caller, 1, toCaller))
}
