package chatlock

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Keep renews the lease of h on the shared Locker every third of
// Config.TTL until the stop it returns is called, so that a
// handling longer than TTL keeps its conversation and no other
// instance takes it meanwhile. A renewal that fails is logged and tried
// again soon (every tenth of TTL), so that an outage of the Locker
// shorter than the lease costs nothing: the first renewal after it
// extends the lease, or takes it again when the Locker lost it and
// nobody else took it. A renewal that finds the lease taken ends the
// renewals, and the compare-and-set of the save then decides. stop waits
// for the renewals to end. Failed renewals are logged to logger.
func (k *Locks) Keep(h Holding, logger *slog.Logger) (stop func()) {
	if h.lease == "" {
		return func() {}
	}
	name, owner := h.lease, h.owner
	every := max(k.cfg.TTL/3, time.Millisecond)
	soon := max(k.cfg.TTL/10, time.Millisecond)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), every)
			held, err := k.cfg.Locker.Acquire(ctx, name, owner, k.cfg.TTL)
			cancel()
			t.Reset(every)
			switch {
			case err != nil:
				t.Reset(soon)
				logger.Warn("cardbot: renewing the conversation's lease failed", "error", err)
			case !held:
				logger.Warn("cardbot: the conversation's lease ran out during the handling; its save is checked against the version loaded")
				return
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
