package portal

import (
	"regexp"
	"strings"
)

var (
	mobile   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)    // 138 1234 1234
	landline = regexp.MustCompile(`^0[1-9][0-9]{8,10}$`) // area code 010/0xx(x) + 7 or 8 digits
)

// NormalizePhone accepts a mainland mobile (11 digits from 13 to 19) or a landline with its
// area code (010-12345678, 0755 1234567), spaces and dashes allowed, and an optional +86;
// it returns the bare digits the ticket is kept under.
func NormalizePhone(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if strings.HasPrefix(s, "+86") {
		s = strings.TrimPrefix(s, "+86")
		if !mobile.MatchString(s) && s != "" && s[0] != '0' {
			s = "0" + s // +86 10 12345678 drops the trunk zero
		}
	}
	if mobile.MatchString(s) || landline.MatchString(s) {
		return s, true
	}
	return "", false
}
