package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/hotline-dev/hotline/internal/citizen"
	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// GET /api/v1/phones/{number}: kind and carrier always, the place from the centre's table by
// the longest prefix.
func TestPhoneInfo(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := apitest.New(t, be.Open(t))
			ctx := context.Background()
			if err := e.Store.InTx(ctx, func(tx *store.Tx) error {
				return tx.SavePhonePrefixes(ctx, []citizen.PhonePrefix{{Prefix: "138", Region: "错误的三位前缀"},
					{Prefix: "1380731", Region: "湖南长沙"}, {Prefix: "0731", Region: "湖南长沙"}, {Prefix: "010", Region: "北京"}})
			}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				number, kind, carrier, region string
			}{
				{"13807311234", "mobile", "中国移动", "湖南长沙"}, // the 7-digit block beats the 3-digit one
				{"13812345678", "mobile", "中国移动", "错误的三位前缀"},
				{"15607311234", "mobile", "中国联通", ""},
				{"073188887777", "landline", "", "湖南长沙"},
				{"01088887777", "landline", "", "北京"},
				{"88887777", "local", "", ""},
			} {
				var got citizen.PhoneInfo
				if st := e.Do("GET", "/api/v1/phones/"+c.number, e.Tokens["agent"], nil, &got); st != http.StatusOK ||
					got.Kind != c.kind || got.Carrier != c.carrier || got.Region != c.region {
					t.Errorf("%s: %d %+v", c.number, st, got)
				}
			}
			if st := e.Do("GET", "/api/v1/phones/12a45", e.Tokens["agent"], nil, nil); st != http.StatusBadRequest {
				t.Errorf("bad number: %d", st)
			}
			if st := e.Do("GET", "/api/v1/phones/13807311234", e.Tokens["handler_a1"], nil, nil); st != http.StatusForbidden {
				t.Errorf("a department handler (no citizen.view): %d", st)
			}
			if st := e.Do("GET", "/api/v1/phones/13807311234", "", nil, nil); st != http.StatusUnauthorized {
				t.Errorf("no login: %d", st)
			}
		})
	}
}
