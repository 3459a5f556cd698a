package citizen

import (
	"slices"
	"testing"
)

func TestClassifyPhone(t *testing.T) {
	for _, c := range []struct {
		in            string
		kind, carrier string
	}{
		{"13807311234", KindMobile, "中国移动"},
		{"+86 138-0731-1234", KindMobile, "中国移动"},
		{"008618607311234", KindMobile, "中国联通"},
		{"18907311234", KindMobile, "中国电信"},
		{"19207311234", KindMobile, "中国广电"},
		{"12345678901", KindMobile, ""}, // a 1xx block not allocated to a network
		{"073188887777", KindLandline, ""},
		{"01088887777", KindLandline, ""},
		{"88887777", KindLocal, ""},
		{"12345", KindUnknown, ""},
		{"1380731123a", KindUnknown, ""},
		{"", KindUnknown, ""},
	} {
		got := ClassifyPhone(NormalizePhone(c.in))
		if got.Kind != c.kind || got.Carrier != c.carrier {
			t.Errorf("%q: %s %q, want %s %q", c.in, got.Kind, got.Carrier, c.kind, c.carrier)
		}
	}
}

func TestPhonePrefixes(t *testing.T) {
	if got := LookupPrefixes("13807311234"); !slices.Equal(got, []string{"13807311", "1380731", "138073", "13807", "1380", "138"}) {
		t.Errorf("prefixes %v", got)
	}
	for _, c := range []struct {
		p  PhonePrefix
		ok bool
	}{
		{PhonePrefix{"1380731", "湖南长沙"}, true},
		{PhonePrefix{"0731", "湖南长沙"}, true},
		{PhonePrefix{"07", "湖南"}, false},
		{PhonePrefix{"138073112", "长沙"}, false},
		{PhonePrefix{"0731a", "长沙"}, false},
		{PhonePrefix{"0731", "  "}, false},
	} {
		if msg := CheckPhonePrefix(c.p); (msg == "") != c.ok {
			t.Errorf("%+v: %q", c.p, msg)
		}
	}
}
