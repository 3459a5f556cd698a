package prompts

import (
	"io/fs"
	"testing"

	"github.com/hotline-dev/hotline/internal/media"
)

// Every prompt the call centre names must exist and be telephone-ready audio.
func TestDefaultPromptsAreTelephoneWAV(t *testing.T) {
	names := []string{"greeting", "please-hold", "queue-ahead", "queue-callers", "menu-main", "invalid",
		"voicemail", "voicemail-saved", "ticket-enter", "ticket-status", "ticket-not-found", "goodbye",
		"blacklist", "out-of-hours", "forward", "feature-ok", "beep", "hold-music",
		"status-registered", "status-dispatched", "status-processing", "status-replied", "status-callback", "status-closed"}
	for d := range 10 {
		names = append(names, "digit-"+string(rune('0'+d)))
	}
	for _, n := range []string{"12315", "12333", "12329", "12320", "12350", "12366", "12349"} {
		names = append(names, "greeting-"+n)
	}
	for _, n := range names {
		f, err := FS.Open(Dir + "/" + n + ".wav")
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		pcm, err := media.ReadWAV(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if len(pcm) < media.SampleRate/10 {
			t.Errorf("%s: only %d samples", n, len(pcm))
		}
	}
	all, _ := fs.Glob(FS, Dir+"/*.wav")
	if len(all) != len(names) {
		t.Errorf("%d prompt files embedded, %d named: keep the list and the script in step", len(all), len(names))
	}
}
