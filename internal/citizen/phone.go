package citizen

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Phone kinds.
const (
	KindMobile   = "mobile"   // 手机
	KindLandline = "landline" // 固定电话 with its area code (区号)
	KindLocal    = "local"    // a landline without area code: the centre's own city
	KindUnknown  = "unknown"
)

// PhoneInfo is what the agent sees of a caller's number before any profile exists: the
// kind of line, the carrier of a mobile number and, where the centre has loaded it, the
// place the number belongs to (号码归属地).
type PhoneInfo struct {
	Number  string `json:"number"`
	Kind    string `json:"kind"`
	Carrier string `json:"carrier,omitempty"`
	// Region is the place of the longest loaded prefix (7-digit mobile blocks, 号段, or area
	// codes); Prefix is that prefix.
	Region string `json:"region,omitempty"`
	Prefix string `json:"prefix,omitempty"`
}

// mobileCarriers maps the first three digits of a mainland mobile number to its network,
// from the MIIT's public allocation of 1xx blocks.
var mobileCarriers = map[string]string{}

func init() {
	for carrier, blocks := range map[string]string{
		"中国移动": "134 135 136 137 138 139 147 148 150 151 152 157 158 159 172 178 182 183 184 187 188 195 197 198",
		"中国联通": "130 131 132 145 146 155 156 166 167 171 175 176 185 186 196",
		"中国电信": "133 149 153 173 174 177 180 181 189 190 191 193 199",
		"中国广电": "192",
	} {
		for _, b := range strings.Fields(blocks) {
			mobileCarriers[b] = carrier
		}
	}
}

// NormalizePhone strips what people type around a number: spaces, dashes, brackets and a
// +86 / 0086 country prefix.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '\u3000':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	for _, p := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(s, p); ok && len(rest) >= 7 {
			return rest
		}
	}
	return s
}

// ClassifyPhone tells the kind and, for mobiles, the carrier of a number (already
// normalised). Region is left to a PrefixTable.
func ClassifyPhone(n string) PhoneInfo {
	info := PhoneInfo{Number: n, Kind: KindUnknown}
	if !allDigits(n) {
		return info
	}
	switch {
	case len(n) == 11 && n[0] == '1':
		info.Kind = KindMobile
		info.Carrier = mobileCarriers[n[:3]]
	case n[0] == '0' && len(n) >= 10 && len(n) <= 12:
		info.Kind = KindLandline
	case n[0] != '0' && n[0] != '1' && (len(n) == 7 || len(n) == 8):
		info.Kind = KindLocal
	}
	return info
}

// NeedsPlace reports whether the number-place table can say more: mobiles and landlines
// with an area code; a local number is the centre's own city, anything else is no number.
func (p PhoneInfo) NeedsPlace() bool { return p.Kind == KindMobile || p.Kind == KindLandline }

// PhonePrefix is one row of the centre's number-place table: a prefix of digits (a 7-digit
// mobile block such as 1380731, or an area code such as 0731) and its place.
type PhonePrefix struct {
	Prefix string `json:"prefix"`
	Region string `json:"region"`
}

// CheckPhonePrefix says what is wrong with a row, or "".
func CheckPhonePrefix(p PhonePrefix) string {
	switch {
	case !allDigits(p.Prefix) || len(p.Prefix) < 3 || len(p.Prefix) > 8:
		return fmt.Sprintf("prefix %q: 3 to 8 digits", p.Prefix)
	case strings.TrimSpace(p.Region) == "" || utf8.RuneCountInString(p.Region) > 50:
		return fmt.Sprintf("prefix %s: a place name of at most 50 characters is needed", p.Prefix)
	}
	return ""
}

// LookupPrefixes are the prefixes of n, longest first, that a PhonePrefix row may have.
func LookupPrefixes(n string) []string {
	var out []string
	for l := min(len(n), 8); l >= 3; l-- {
		out = append(out, n[:l])
	}
	return out
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
