package outbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
)

// Receipts records the MC's delivery receipts (状态报告) on the outbox rows they concern, so
// the queue shows whether an SMS reached the handset, not only that the MC took it. A long
// text has one receipt per part; the row is delivered when every part is (store.RecordReceipt).
type Receipts struct {
	Store *store.Store
	Log   *slog.Logger
}

// OnReceipt is for smpp.Config.OnReceipt: an error makes the MC deliver the receipt again.
func (r *Receipts) OnReceipt(rc smpp.Receipt) error {
	if rc.MessageID == "" {
		// Nothing to match it to; acknowledging it stops the MC from sending it again.
		if r.Log != nil {
			r.Log.Warn("outbox: delivery receipt without a message id", "stat", rc.Stat, "from", rc.From)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.Store.RecordReceipt(ctx, store.Receipt{MessageID: rc.MessageID, Stat: rc.Stat, Error: rc.Err,
		DoneAt: rc.DoneDate})
}
