package sip

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const sippOffer = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=audio 6000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-11,16\r\n"

func TestParseSDP(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    Media
		wantErr error
	}{
		{name: "sipp offer", body: sippOffer, want: Media{Port: 6000, Codecs: []uint8{8, 0}, DTMFPT: 101, Direction: "sendrecv"}},
		{name: "media-level c= and hold", body: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=sendonly\r\n",
			want: Media{Port: 4000, Codecs: []uint8{0}, Direction: "sendonly"}},
		{name: "only G.729", body: "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n", wantErr: ErrNoCodec},
		{name: "video only", body: "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 96\r\n", wantErr: ErrNoAudio},
		{name: "no connection", body: "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", wantErr: ErrBadConnAddr},
	}
	for _, tt := range tests {
		got, err := ParseSDP([]byte(tt.body))
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: err %v, want %v", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got.Port != tt.want.Port || !slices.Equal(got.Codecs, tt.want.Codecs) || got.DTMFPT != tt.want.DTMFPT ||
			got.Direction != tt.want.Direction || got.IP.String() != "127.0.0.1" {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	if _, err := ParseSDP([]byte("garbage")); err == nil {
		t.Error("garbage parsed")
	}
}

func TestAnswerRoundTrip(t *testing.T) {
	offer, err := ParseSDP([]byte(sippOffer))
	if err != nil {
		t.Fatal(err)
	}
	body, codec := Answer(offer, "127.0.0.1", 20000, 7)
	if codec != 8 {
		t.Fatalf("answer codec %d, want the offerer's first (8)", codec)
	}
	back, err := ParseSDP(body)
	if err != nil {
		t.Fatalf("our answer does not parse: %v\n%s", err, body)
	}
	if back.Port != 20000 || !slices.Equal(back.Codecs, []uint8{8}) || back.DTMFPT != 101 {
		t.Fatalf("answer %+v\n%s", back, body)
	}
	offer.Direction = "sendonly"
	if body, _ := Answer(offer, "127.0.0.1", 20000, 8); !strings.Contains(string(body), "a=recvonly") {
		t.Fatalf("hold answer:\n%s", body)
	}
}
