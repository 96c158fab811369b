package prom

import (
	"fmt"
	"net/http"
	"strconv"

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

// Observer is a cardbot.Observer that counts into Prometheus collectors.
// It is safe for concurrent use.
type Observer struct {
	received     *prometheus.CounterVec
	deduplicated *prometheus.CounterVec
	queued       *prometheus.CounterVec
	handled      *prometheus.HistogramVec
	sends        *prometheus.CounterVec
	sendDuration *prometheus.HistogramVec
	deadLetters  *prometheus.CounterVec
	depth        prometheus.Gauge
	lag          prometheus.Histogram

	gatherer prometheus.Gatherer
}

var _ cardbot.Observer = (*Observer)(nil)

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
		depth: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "cardbot", Name: "queue_depth",
			Help: "Updates the async queue delivered to the bot that are not done, when a worker last took one."}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "cardbot", Name: "queue_lag_seconds",
			Help: "Time an update waited in the async queue before its first handling.", Buckets: buckets}),
		gatherer: gath,
	}
	for _, c := range []prometheus.Collector{o.received, o.deduplicated, o.queued, o.handled, o.sends, o.sendDuration,
		o.deadLetters, o.depth, o.lag} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("prom: registering the collectors: %w", err)
		}
	}
	return o, nil
}

// Observe counts one observation.
func (o *Observer) Observe(ob cardbot.Observation) {
	switch ob.Kind {
	case cardbot.ObsReceived:
		o.received.WithLabelValues(ob.Provider, ob.Update.String()).Inc()
	case cardbot.ObsDeduplicated:
		o.deduplicated.WithLabelValues(ob.Provider).Inc()
	case cardbot.ObsQueued:
		o.queued.WithLabelValues(ob.Provider).Inc()
	case cardbot.ObsHandled:
		route := ob.Route
		if route == "" {
			route = "none"
		}
		o.handled.WithLabelValues(ob.Provider, ob.Update.String(), route, ob.Outcome).Observe(ob.Duration.Seconds())
	case cardbot.ObsSent:
		status := ob.Outcome
		if ob.Status != 0 {
			status = strconv.Itoa(ob.Status)
		}
		o.sends.WithLabelValues(ob.Provider, ob.Method, status).Inc()
		o.sendDuration.WithLabelValues(ob.Provider, ob.Method, status).Observe(ob.Duration.Seconds())
	case cardbot.ObsDeadLettered:
		o.deadLetters.WithLabelValues(ob.Provider).Inc()
	case cardbot.ObsQueueDepth:
		o.depth.Set(float64(ob.Depth))
		o.lag.Observe(ob.Lag.Seconds())
	}
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
