package cardbot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// keepLease renews the lease name of owner on the shared Locker every
// third of LockTTL until the stop it returns is called, so that a
// handling longer than LockTTL keeps its conversation and no other
// instance takes it meanwhile. A renewal that fails is logged and tried
// again at the next tick while the lease may still hold; a renewal that
// finds the lease taken ends the renewals, and the compare-and-set of the
// save then decides. stop waits for the renewals to end.
func (k *stateKeeper) keepLease(logger *slog.Logger, name, owner string) (stop func()) {
	every := max(k.cfg.LockTTL/3, time.Millisecond)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), every)
			held, err := k.cfg.Locker.Acquire(ctx, name, owner, k.cfg.LockTTL)
			cancel()
			switch {
			case err != nil:
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
