package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultPrefix         = "cardbot"
	DefaultPartitions     = 16
	DefaultLeaseTTL       = 10 * time.Second
	DefaultPollInterval   = time.Second
	DefaultDedupTTL       = 24 * time.Hour
	DefaultBatchSize      = 64
	DefaultMaxDeadLetters = 10_000
	DefaultInFlightLease  = 2 * time.Minute
	DefaultDoneTTL        = 24 * time.Hour
)

// Bounds of Config.
const (
	// MaxPartitions is the most partitions a Queue may have.
	MaxPartitions = 1024
	// MinLeaseTTL is the shortest LeaseTTL.
	MinLeaseTTL = 100 * time.Millisecond
)

// Config configures the stores of this package. Every field has a
// default for its zero value; NewQueue, NewDedupStore and NewLocker each
// read the fields that concern them. Instances that share a Redis must
// agree on Prefix and, for the Queue, on Partitions.
type Config struct {
	// Prefix starts the name of every key and channel (see the package
	// doc); DefaultPrefix when empty. It may not hold '{' or '}'.
	Prefix string

	// Partitions is how many partitions the chats of a Queue are spread
	// over (DefaultPartitions, at most MaxPartitions): the most consumers
	// that can share the work, and the unit that moves between them.
	// Every instance must use the same number; Consume checks it.
	Partitions int

	// LeaseTTL is how long a Queue consumer's lease of a partition, and
	// its membership, last without renewal (DefaultLeaseTTL, at least
	// MinLeaseTTL). Consumers renew every third of it, so a consumer that
	// dies leaves its partitions to the others after one to one and a
	// third LeaseTTL. An outage of Redis shorter than LeaseTTL costs no
	// lease: a renewal that fails is tried again every tenth of LeaseTTL,
	// once more before the lease counts as lost, and a lease that Redis
	// lost meanwhile (a restart without its data) is taken again by its
	// holder when no other consumer took the partition since.
	LeaseTTL time.Duration

	// PollInterval is how often a consumer reads a partition it owns when
	// no wake-up came (DefaultPollInterval): the safety net for a wake-up
	// lost on the way.
	PollInterval time.Duration

	// DedupTTL is how long the Queue remembers an entry's Key
	// (DefaultDedupTTL): a Push of the same Key within it is a duplicate.
	DedupTTL time.Duration

	// BatchSize is how many entries a consumer reads at a time from a
	// partition (DefaultBatchSize).
	BatchSize int

	// MaxDeadLetters bounds the dead letters each partition keeps
	// (DefaultMaxDeadLetters); past it the oldest go. Redis trims
	// lazily, so a few more may stay for a while.
	MaxDeadLetters int

	// InFlightLease is how long the DedupStore's in-flight mark of a key
	// lasts (DefaultInFlightLease), so that a key whose process died
	// between Begin and End is not blocked for good.
	InFlightLease time.Duration

	// DoneTTL is how long the DedupStore remembers a handled key
	// (DefaultDoneTTL).
	DoneTTL time.Duration

	// Logger gets what goes wrong in the background (slog.Default() when
	// nil). It never gets a password or a URL.
	Logger *slog.Logger
}

// withDefaults fills c's zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if strings.ContainsAny(c.Prefix, "{}") {
		return c, fmt.Errorf("redisstore: Config.Prefix %q holds '{' or '}', which would break the key hash tags", c.Prefix)
	}
	var errs []error
	def := func(name string, d *time.Duration, v, least time.Duration) {
		switch {
		case *d == 0:
			*d = v
		case *d < least:
			errs = append(errs, fmt.Errorf("redisstore: Config.%s is %v, less than %v", name, *d, least))
		}
	}
	defInt := func(name string, n *int, v, most int) {
		switch {
		case *n == 0:
			*n = v
		case *n < 0 || *n > most:
			errs = append(errs, fmt.Errorf("redisstore: Config.%s is %d, not in 1..%d", name, *n, most))
		}
	}
	defInt("Partitions", &c.Partitions, DefaultPartitions, MaxPartitions)
	defInt("BatchSize", &c.BatchSize, DefaultBatchSize, 10_000)
	defInt("MaxDeadLetters", &c.MaxDeadLetters, DefaultMaxDeadLetters, 1<<30)
	def("LeaseTTL", &c.LeaseTTL, DefaultLeaseTTL, MinLeaseTTL)
	def("PollInterval", &c.PollInterval, DefaultPollInterval, time.Millisecond)
	def("DedupTTL", &c.DedupTTL, DefaultDedupTTL, time.Millisecond)
	def("InFlightLease", &c.InFlightLease, DefaultInFlightLease, time.Millisecond)
	def("DoneTTL", &c.DoneTTL, DefaultDoneTTL, time.Millisecond)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, errors.Join(errs...)
}

// keyHash names a caller's key in a Redis key: 32 hex digits of its
// SHA-256, so that a key of any length and any bytes makes a short key
// whose hash tag it cannot break.
func keyHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// ms is d in whole milliseconds, at least 1, for PX and PEXPIRE.
func ms(d time.Duration) int64 {
	return max(int64((d+time.Millisecond-1)/time.Millisecond), 1)
}

// queueTag is the hash tag of every key of a Queue: one Cluster slot, so
// that a Push can check its Key against the whole queue and store the
// entry in its partition's stream in one script.
func queueTag(prefix string) string { return "{" + prefix + ":q}" }

// partKeys are the keys of one partition of a Queue.
type partKeys struct {
	stream string // the entries
	dead   string // the dead letters
	lease  string // the owner's token
	fence  string // counts the leases taken
	p      string // the partition number, as published on the wake channel
}

func newPartKeys(prefix string, p int) partKeys {
	tag, n := queueTag(prefix), strconv.Itoa(p)
	return partKeys{
		stream: tag + ":stream:" + n,
		dead:   tag + ":dead:" + n,
		lease:  tag + ":lease:" + n,
		fence:  tag + ":fence:" + n,
		p:      n,
	}
}
