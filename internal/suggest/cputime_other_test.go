//go:build !unix

package suggest

import "time"

// cpuTime is not measured on this platform; cpu-s/train then reads 0.
func cpuTime() time.Duration { return 0 }
