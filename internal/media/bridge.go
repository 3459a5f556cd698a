package media

// Bridge relays audio both ways between the caller and agent legs, transcoding when they
// negotiated different G.711 laws, and feeds the mixer when rec is not nil. Keys pressed
// on either side go to onDigit (leg 0 caller, 1 agent).
func Bridge(caller, agent *Session, rec *Mixer, onDigit func(leg int, key rune)) {
	relay := func(to *Session, leg int) Handlers {
		return Handlers{
			Audio: func(pcm []int16) {
				to.WritePCM(pcm)
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
	caller.SetHandlers(relay(agent, 0))
	agent.SetHandlers(relay(caller, 1))
}
