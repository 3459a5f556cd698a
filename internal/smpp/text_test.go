package smpp

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSegments(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		parts []int // UTF-16 units per part
	}{
		{"short", "您的诉求已受理", []int{7}},
		{"exactly one", strings.Repeat("热", 70), []int{70}},
		{"one over", strings.Repeat("热", 71), []int{67, 4}},
		{"three", strings.Repeat("线", 67*2+1), []int{67, 67, 1}},
		// 66 BMP characters then an emoji: the pair must not be cut
		{"surrogate at the edge", strings.Repeat("a", 66) + "😀" + "bbbbb", []int{66, 7}},
	}
	for _, tc := range cases {
		segs := segments(tc.text, 0x2A)
		if len(segs) != len(tc.parts) {
			t.Errorf("%s: %d parts, want %d", tc.name, len(segs), len(tc.parts))
			continue
		}
		var joined strings.Builder
		for i, s := range segs {
			body := s
			if len(segs) > 1 {
				want := []byte{0x05, 0x00, 0x03, 0x2A, byte(len(segs)), byte(i + 1)}
				if !bytes.Equal(s[:6], want) {
					t.Errorf("%s: part %d UDH % x, want % x", tc.name, i+1, s[:6], want)
				}
				b, c := splitUDH(s)
				if c == nil || c.Ref != 0x2A || c.Total != len(segs) || c.Part != i+1 {
					t.Errorf("%s: splitUDH read %+v", tc.name, c)
				}
				body = b
			}
			if len(s) > 140 {
				t.Errorf("%s: part %d is %d octets", tc.name, i+1, len(s))
			}
			if len(body) != 2*tc.parts[i] {
				t.Errorf("%s: part %d has %d octets, want %d", tc.name, i+1, len(body), 2*tc.parts[i])
			}
			part := decodeUCS2(body)
			if !utf8.ValidString(part) || strings.ContainsRune(part, utf8.RuneError) {
				t.Errorf("%s: part %d does not decode alone: %q", tc.name, i+1, part)
			}
			joined.WriteString(part)
		}
		if joined.String() != tc.text {
			t.Errorf("%s: parts join to %q", tc.name, joined.String())
		}
	}
	if got := hex.EncodeToString(segments("A热", 0)[0]); got != "004170ed" {
		t.Errorf("UCS-2 of A热 = %s, want 004170ed", got)
	}
}

func TestSplitUDH(t *testing.T) {
	cases := []struct {
		name string
		in   string // hex
		body string
		c    *concat
	}{
		{"8-bit ref", "0500030a0201" + "0031", "0031", &concat{10, 2, 1}},
		{"16-bit ref", "060804123403030" + "0" + "32", "0032", &concat{0x1234, 3, 3}},
		{"other element first", "09" + "0a020000" + "00030b0202" + "33", "33", &concat{11, 2, 2}},
		{"part beyond total", "0500030a0203" + "34", "34", nil},
		{"header longer than message", "09000301", "09000301", nil},
		{"empty", "", "", nil},
	}
	for _, tc := range cases {
		in, _ := hex.DecodeString(tc.in)
		body, c := splitUDH(in)
		if hex.EncodeToString(body) != tc.body {
			t.Errorf("%s: body %x, want %s", tc.name, body, tc.body)
		}
		if (c == nil) != (tc.c == nil) || (c != nil && *c != *tc.c) {
			t.Errorf("%s: concat %+v, want %+v", tc.name, c, tc.c)
		}
	}
}

func TestParseReceipt(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	d := deliverSM{
		Src: address{Addr: "13800138000"}, Dst: address{Addr: "12345"}, ESMClass: 4, DataCoding: 1,
		Message: []byte("id:0123456789 sub:001 dlvrd:001 submit date:2611211005 done date:2611211006 stat:DELIVRD err:000 text:您好"),
	}
	r := parseReceipt(d)
	want := Receipt{MessageID: "0123456789", Stat: "DELIVRD", Err: "000", From: "13800138000", To: "12345",
		SubmitDate: time.Date(2026, 11, 21, 10, 5, 0, 0, cst), DoneDate: time.Date(2026, 11, 21, 10, 6, 0, 0, cst)}
	if r.MessageID != want.MessageID || r.Stat != want.Stat || r.Err != want.Err || !r.SubmitDate.Equal(want.SubmitDate) || !r.DoneDate.Equal(want.DoneDate) || r.From != want.From {
		t.Errorf("receipt %+v, want %+v", r, want)
	}
	if !r.Delivered() || !r.Final() {
		t.Error("DELIVRD must be delivered and final")
	}
	// the TLVs win over the text, which some MCs fill in hex or leave short
	d.Message = []byte("id:7B sub:001 dlvrd:000 submit date:2611211005 done date:2611211010 stat:UNDELIV err:001")
	d.TLVs = map[uint16][]byte{tagReceiptedMessageID: []byte("123\x00"), tagMessageState: {5}}
	r = parseReceipt(d)
	if r.MessageID != "123" || r.Stat != "UNDELIV" || r.Delivered() || !r.Final() || r.Err != "001" {
		t.Errorf("receipt %+v", r)
	}
	if (Receipt{Stat: "ENROUTE"}).Final() {
		t.Error("ENROUTE is not final")
	}
}

func TestPDUCodec(t *testing.T) {
	body := submitBody(address{0, 0, "12345"}, address{0, 1, "13800138000"}, esmUDHI, 1, dataCodingUCS, []byte{1, 2, 3})
	p := pdu{ID: SubmitSM, Seq: 7, Body: body}
	got, err := readPDU(bytes.NewReader(p.marshal()))
	if err != nil || got.ID != SubmitSM || got.Seq != 7 || !bytes.Equal(got.Body, body) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	// submit_sm and deliver_sm share their mandatory layout (§4.4.1, §4.6.1)
	d, err := parseDeliverSM(body)
	if err != nil {
		t.Fatal(err)
	}
	if d.Src.Addr != "12345" || d.Dst.Addr != "13800138000" || d.Dst.NPI != 1 || d.ESMClass != esmUDHI || d.DataCoding != dataCodingUCS || !bytes.Equal(d.Message, []byte{1, 2, 3}) {
		t.Errorf("deliver_sm %+v", d)
	}
	// message_payload instead of short_message
	withPayload := append(submitBody(address{}, address{}, 0, 0, dataCodingUCS, nil), 0x04, 0x24, 0x00, 0x02, 0x70, 0xed)
	if d, err := parseDeliverSM(withPayload); err != nil || decodeText(d.DataCoding, d.Message) != "热" {
		t.Errorf("message_payload: %+v, %v", d, err)
	}
	for n := 0; n < len(body); n++ {
		if _, err := parseDeliverSM(body[:n]); err == nil {
			t.Fatalf("a body cut at %d of %d parsed", n, len(body))
		}
	}
	for _, n := range []uint32{0, 15, maxPDU + 1} {
		b := pdu{ID: EnquireLink}.marshal()
		b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
		if _, err := readPDU(bytes.NewReader(b)); err == nil {
			t.Errorf("command_length %d accepted", n)
		}
	}
	if id, err := messageIDOf([]byte("mc1\x00")); err != nil || id != "mc1" {
		t.Errorf("message id %q, %v", id, err)
	}
	if _, err := messageIDOf([]byte("mc1")); err == nil {
		t.Error("unterminated message id accepted")
	}
}

func TestDecodeText(t *testing.T) {
	cases := []struct {
		dc   byte
		in   []byte
		want string
	}{
		{8, []byte{0x70, 0xed, 0x00, 0x31}, "热1"},
		{0, []byte("1"), "1"},
		{1, []byte("stat:DELIVRD"), "stat:DELIVRD"},
		{3, []byte{0x63, 0x61, 0x66, 0xe9}, "café"},
	}
	for _, tc := range cases {
		if got := decodeText(tc.dc, tc.in); got != tc.want {
			t.Errorf("decodeText(%d, % x) = %q, want %q", tc.dc, tc.in, got, tc.want)
		}
	}
}
