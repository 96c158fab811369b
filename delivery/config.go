package delivery

import (
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/store"
)

// Defaults of Config.
const (
	// DefaultConcurrency is how many handlers run at once when
	// Config.Concurrency is zero. Handlers mostly wait on the network
	// (a send to the provider takes 50 to 300 ms), so the bound is set for
	// waiting, not for cores: 16 handlers of 20 ms each cap a bot at
	// 800 updates a second, 128 at 6400.
	DefaultConcurrency = 128
	// DefaultQueueWait is how long a webhook waits for room in a full
	// in-memory queue before it is answered 503 (Config.QueueWait).
	DefaultQueueWait = time.Second
	// DefaultMaxAttempts is how many times an update whose handling fails
	// retryably is handled before it is dead lettered (Config.MaxAttempts).
	DefaultMaxAttempts = 5
	// DefaultMinRetryWait and DefaultMaxRetryWait bound the wait between two
	// attempts of an update: the first wait is about the minimum, each
	// further one doubles, up to the maximum.
	DefaultMinRetryWait = time.Second
	DefaultMaxRetryWait = 30 * time.Second
)

// Config configures async delivery (WithAsync).
type Config struct {
	// Queue stores the updates between the webhook and their handling. The
	// default is store.NewMemoryQueue(QueueSize, QueueWait): what it holds
	// is lost when the process dies. A durable Queue (boltstore,
	// redisstore) keeps every update the webhook acknowledged until it was
	// handled. Its dead letters are listed, replayed and dropped by the
	// queue itself (store.DeadLetterAdmin): give the Queue here to keep a
	// hold of them.
	Queue store.Queue

	// QueueSize bounds the updates held in memory, taken from the queue and
	// not yet handled, over all chats; it also sizes the default
	// store.MemoryQueue, past which Dispatch returns store.ErrQueueFull.
	// store.DefaultQueueSize when zero or less.
	QueueSize int

	// Concurrency bounds the handlers running at once, over all chats;
	// updates of one chat never run at the same time. DefaultConcurrency
	// when zero or less.
	Concurrency int

	// QueueWait is how long Dispatch waits for room when the default
	// MemoryQueue is full, before it gives ErrQueueFull: a burst a little
	// over the queue is absorbed instead of answered 503, which GREEN-API
	// redelivers only a minute later. The wait also ends with the webhook
	// request and with Shutdown giving up. DefaultQueueWait when zero; a
	// negative QueueWait answers a full queue at once.
	QueueWait time.Duration

	// MaxAttempts is how many times an update whose handling fails
	// retryably (cardbot.IsRetryable) is handled before it goes to the
	// queue's dead letters; the later updates of its chat wait meanwhile.
	// DefaultMaxAttempts when zero; a negative MaxAttempts handles each
	// update once.
	MaxAttempts int

	// MinRetryWait and MaxRetryWait bound the wait between two attempts
	// (DefaultMinRetryWait, DefaultMaxRetryWait when zero or less).
	MinRetryWait, MaxRetryWait time.Duration
}

// withDefaults returns cfg with its zero fields set to their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = store.DefaultQueueSize
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	switch {
	case cfg.QueueWait == 0:
		cfg.QueueWait = DefaultQueueWait
	case cfg.QueueWait < 0:
		cfg.QueueWait = 0
	}
	switch {
	case cfg.MaxAttempts == 0:
		cfg.MaxAttempts = DefaultMaxAttempts
	case cfg.MaxAttempts < 0:
		cfg.MaxAttempts = 1
	}
	if cfg.MinRetryWait <= 0 {
		cfg.MinRetryWait = DefaultMinRetryWait
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = DefaultMaxRetryWait
	}
	cfg.MaxRetryWait = max(cfg.MaxRetryWait, cfg.MinRetryWait)
	return cfg
}

// WithAsync turns async delivery on: Bot.Dispatch stores the update in
// the queue and returns; workers that Bot.Start (or the first Dispatch)
// starts handle it. It is cardbot.WithEngine with this package's engine.
// An async bot must be stopped with Bot.Shutdown, which stops its
// goroutines. See the package documentation.
func WithAsync(cfg Config) cardbot.Option {
	cfg = cfg.withDefaults()
	return cardbot.WithEngine(func(h cardbot.EngineHost) cardbot.Engine { return newEngine(h, cfg) })
}
