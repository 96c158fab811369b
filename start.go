package cardbot

// Start starts what an async bot (WithEngine, delivery.WithAsync) runs in
// the background: its engine's workers and the consumer of its queue.
// Until then a durable queue that holds updates from a previous run
// delivers none of them, so that the providers they name can be registered
// first (AddProvider). The first Dispatch starts the bot too, and so does
// webhook.Server's Serve; call Start yourself when the bot must handle
// what its queue holds before any update arrives and it is fed otherwise
// (a poller, your own server). Start does nothing for a sync bot and when
// the bot runs already; it returns ErrShuttingDown once Shutdown began.
//
// A queued update whose provider is not registered when its turn comes
// is not dead lettered at once: its handling fails retryably (with
// ErrUnknownProvider), and it is tried again with backoff like any other
// (delivery.Config.MaxAttempts).
func (b *Bot) Start() error {
	if b.eng == nil {
		return nil
	}
	return b.eng.Start()
}
