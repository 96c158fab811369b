package prom

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/cardbot/cardbot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultBuckets are the bounds, in seconds, of the duration histograms:
// from a millisecond to a minute, where a webhook's deadline lies.
var DefaultBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// Config configures an Observer. The zero value is ready to use.
type Config struct {
	// Registerer registers the collectors. When nil, the Observer makes a
	// registry of its own, which Handler serves.
	Registerer prometheus.Registerer
	// Gatherer is what Handler serves when Registerer is set; when nil,
	// Handler serves Registerer if it is a Gatherer (a *prometheus.Registry
	// is), and nothing else.
	Gatherer prometheus.Gatherer
	// Buckets bound the duration histograms; DefaultBuckets when empty.
	Buckets []float64
}

// Observer is a cardbot.Observer that counts into Prometheus collectors,
// and a cardbot.GaugeReader whose gauges are read from the bot at each
// scrape. It serves one bot. It is safe for concurrent use.
type Observer struct {
	received     *prometheus.CounterVec
	deduplicated *prometheus.CounterVec
	queued       *prometheus.CounterVec
	handled      *prometheus.HistogramVec
	sends        *prometheus.CounterVec
	sendDuration *prometheus.HistogramVec
	deadLetters  *prometheus.CounterVec
	pushFailures *prometheus.CounterVec
	lag          prometheus.Histogram
	gauges       *gauges

	gatherer prometheus.Gatherer

	mu    sync.Mutex                     // held by a writer of cache
	cache atomic.Pointer[map[key]*child] // the children of the collectors, by labels
	last  [9]atomic.Pointer[child]       // by key.metric: the child used last
}

var _ cardbot.GaugeReader = (*Observer)(nil)

// New makes the collectors and registers them. It fails when the
// Registerer has collectors of the same names (a second Observer on one
// registry).
func New(cfg Config) (*Observer, error) {
	reg, gath := cfg.Registerer, cfg.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, gath = r, r
	} else if gath == nil {
		gath, _ = reg.(prometheus.Gatherer)
	}
	buckets := cfg.Buckets
	if len(buckets) == 0 {
		buckets = DefaultBuckets
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cardbot", Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "cardbot", Name: name, Help: help, Buckets: buckets}, labels)
	}
	o := &Observer{
		received:     counter("updates_received_total", "Updates the bot took from its providers.", "provider", "kind"),
		deduplicated: counter("updates_deduplicated_total", "Updates dropped as deliveries of one handled or queued before.", "provider"),
		queued:       counter("updates_queued_total", "Updates async delivery stored in its queue.", "provider"),
		handled: histogram("handler_duration_seconds", "Time from routing an update to the end of its handler chain.",
			"provider", "kind", "route", "outcome"),
		sends:        counter("sends_total", "Messages sent to providers, by result.", "provider", "method", "status"),
		sendDuration: histogram("send_duration_seconds", "Time of one send, retries included.", "provider", "method", "status"),
		deadLetters:  counter("dead_letters_total", "Updates async delivery gave up on.", "provider"),
		pushFailures: counter("queue_push_failures_total", "Updates async delivery could not store in its queue (the webhook was answered 503), by reason.",
			"provider", "reason"),
		gauges: newGauges(),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "cardbot", Name: "queue_lag_seconds",
			Help: "Time an update waited in the async queue before its first handling.", Buckets: buckets}),
		gatherer: gath,
	}
	o.cache.Store(&map[key]*child{})
	for _, c := range []prometheus.Collector{o.received, o.deduplicated, o.queued, o.handled, o.sends, o.sendDuration,
		o.deadLetters, o.pushFailures, o.lag, o.gauges} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("prom: registering the collectors: %w", err)
		}
	}
	return o, nil
}

// Observe counts one observation. The collectors' children are looked up
// once per set of labels and kept, so that counting costs a map read, not
// the hashing of every label value.
func (o *Observer) Observe(ob cardbot.Observation) {
	switch ob.Kind {
	case cardbot.ObsReceived:
		o.counter(o.received, key{1, ob.UpdateKind, ob.Provider, "", "", ""}, 1).Inc()
	case cardbot.ObsDeduplicated:
		o.counter(o.deduplicated, key{2, 0, ob.Provider, "", "", ""}, 1).Inc()
	case cardbot.ObsQueued:
		o.counter(o.queued, key{3, 0, ob.Provider, "", "", ""}, 1).Inc()
	case cardbot.ObsHandled:
		route := ob.Route
		if route == "" {
			route = "none"
		}
		o.histogram(o.handled, key{4, ob.UpdateKind, ob.Provider, route, ob.Outcome, ""}, 3).Observe(ob.Duration.Seconds())
	case cardbot.ObsSent:
		status := ob.Outcome
		if ob.HTTPStatus != 0 {
			status = strconv.Itoa(ob.HTTPStatus)
		}
		s := o.sent(key{5, 0, ob.Provider, ob.Method, status, ""})
		s.count.Inc()
		s.duration.Observe(ob.Duration.Seconds())
	case cardbot.ObsDeadLettered:
		o.counter(o.deadLetters, key{7, 0, ob.Provider, "", "", ""}, 1).Inc()
	case cardbot.ObsQueueDepth:
		o.lag.Observe(ob.Lag.Seconds()) // the depth is read at the scrape (ReadGauges)
	case cardbot.ObsPushFailed:
		o.counter(o.pushFailures, key{8, 0, ob.Provider, ob.Outcome, "", ""}, 2).Inc()
	}
}

// key names a child of one of the collectors: which, the update's kind
// for those labelled by it, and its other label values (the first n of a,
// b, c, d).
type key struct {
	metric     uint8
	kind       cardbot.UpdateKind
	a, b, c, d string
}

// labels returns the label values of k, the kind first when it has one.
func (k key) labels(n int) []string {
	values := []string{k.a, k.b, k.c, k.d}[:n]
	if k.metric == 1 || k.metric == 4 { // updates_received_total, handler_duration_seconds
		values = append([]string{values[0], k.kind.String()}, values[1:]...)
	}
	return values
}

// counter returns the child of vec for k, made the first time. The labels
// come from the bot's providers, routes and outcomes, a small and fixed
// set, so the cache stays small.
func (o *Observer) counter(vec *prometheus.CounterVec, k key, n int) prometheus.Counter {
	if c, ok := o.lookup(k); ok {
		return c.(prometheus.Counter)
	}
	return o.store(k, vec.WithLabelValues(k.labels(n)...)).(prometheus.Counter)
}

// sendSeries are the two series of one provider, method and status, kept
// together so that a send costs one lookup.
type sendSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// sent returns the send series of k, made the first time.
func (o *Observer) sent(k key) sendSeries {
	if s, ok := o.lookup(k); ok {
		return s.(sendSeries)
	}
	labels := k.labels(3)
	return o.store(k, sendSeries{o.sends.WithLabelValues(labels...), o.sendDuration.WithLabelValues(labels...)}).(sendSeries)
}

// histogram is counter for a histogram.
func (o *Observer) histogram(vec *prometheus.HistogramVec, k key, n int) prometheus.Observer {
	if h, ok := o.lookup(k); ok {
		return h.(prometheus.Observer)
	}
	return o.store(k, vec.WithLabelValues(k.labels(n)...)).(prometheus.Observer)
}

// child is a child of a collector and the labels it was made for.
type child struct {
	k key
	v any
}

// lookup returns the child kept for k: the one its metric used last, when
// k is the same (labels that come from the same strings compare without
// reading them: one provider and one route cost no hashing), else the
// cache's.
func (o *Observer) lookup(k key) (any, bool) {
	last := &o.last[k.metric]
	if c := last.Load(); c != nil && c.k == k {
		return c.v, true
	}
	c, ok := (*o.cache.Load())[k]
	if !ok {
		return nil, false
	}
	last.Store(c)
	return c.v, true
}

// store keeps v for k in a new copy of the cache, or returns what another
// goroutine kept first. Reads take no lock: the cache is replaced, never
// changed.
func (o *Observer) store(k key, v any) any {
	o.mu.Lock()
	defer o.mu.Unlock()
	old := *o.cache.Load()
	if have, ok := old[k]; ok {
		return have.v
	}
	next := make(map[key]*child, len(old)+1)
	maps.Copy(next, old)
	next[k] = &child{k, v}
	o.cache.Store(&next)
	return v
}

// Handler serves the metrics in Prometheus' text format, from the
// Observer's own registry or Config.Gatherer. It answers 404 when there is
// nothing to gather (a Registerer that is no Gatherer, and no Gatherer).
func (o *Observer) Handler() http.Handler {
	if o.gatherer == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(o.gatherer, promhttp.HandlerOpts{})
}
