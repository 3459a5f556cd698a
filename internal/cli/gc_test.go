package cli

import "testing"

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 300},         // nothing measured yet
		{10 << 20, 300},  // an idle server: capped
		{21 << 20, 300},  // 64/21 = 3.05
		{30 << 20, 200},  // 213 % rounded down to a step of 25
		{60 << 20, 100},  // 106 %
		{150 << 20, 100}, // the search dictionary loaded: Go's default
		{2 << 30, 100},   // never below the default
	} {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
