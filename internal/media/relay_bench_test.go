package media

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// BenchmarkRelayRecorded is one 20 ms packet of a recorded call through the server: the
// caller's A-law packet read, transcoded to µ-law and sent to the agent, and fed to the
// recording mixer. It includes the two phones' own socket calls, as a load test would.
func BenchmarkRelayRecorded(b *testing.B) {
	ports := &Ports{IP: "127.0.0.1", Min: 47000, Max: 47998}
	open := func(c Codec) *Session {
		conn, err := ports.Listen()
		if err != nil {
			b.Fatal(err)
		}
		s := NewSession(conn, c, 101, 30*time.Second)
		b.Cleanup(func() { s.Close() })
		return s
	}
	caller, agent := open(PCMA), open(PCMU)
	udp := func() *net.UDPConn {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		return c
	}
	callerPhone, agentPhone := udp(), udp()
	caller.SetRemote(callerPhone.LocalAddr().(*net.UDPAddr))
	agent.SetRemote(agentPhone.LocalAddr().(*net.UDPAddr))
	w, err := CreateWAV(filepath.Join(b.TempDir(), "r.wav"))
	if err != nil {
		b.Fatal(err)
	}
	rec := NewMixer(w, time.Second)
	defer rec.Close()
	Bridge(caller, agent, rec, nil, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go caller.Run(ctx)
	go agent.Run(ctx)

	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: PTPCMA, SSRC: 7}, Payload: EncodeALaw(tone(FrameSamples, 8000), nil)}
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: caller.LocalPort()}
	buf := make([]byte, 1500)
	agentPhone.SetReadDeadline(time.Now().Add(time.Minute))
	b.ReportAllocs()
	for b.Loop() {
		pkt.SequenceNumber++
		pkt.Timestamp += FrameSamples
		raw, _ := pkt.Marshal()
		if _, err := callerPhone.WriteToUDP(raw, to); err != nil {
			b.Fatal(err)
		}
		if _, _, err := agentPhone.ReadFromUDP(buf); err != nil {
			b.Fatal(err)
		}
	}
}
