package store_test

import (
	"sync"
	"testing"

	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// TestInitSetting: racing initialisers all end up with one value, the first stored.
func TestInitSetting(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			got := make([]string, 8)
			var wg sync.WaitGroup
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := string(rune('a' + i))
					if err := st.InitSetting(ctx, "test.secret", &v, "test"); err != nil {
						t.Error(err)
					}
					got[i] = v
				}()
			}
			wg.Wait()
			for _, v := range got {
				if v != got[0] {
					t.Fatalf("initialisers disagree: %q", got)
				}
			}
			again := "z"
			if err := st.InitSetting(ctx, "test.secret", &again, "test"); err != nil || again != got[0] {
				t.Errorf("a later init replaced %q with %q (%v)", got[0], again, err)
			}
		})
	}
}
