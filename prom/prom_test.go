package prom_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/prom"
)

// Each observation moves its own series, with the labels the package
// documents.
func TestObserve(t *testing.T) {
	reg := prometheus.NewRegistry()
	o, err := prom.New(prom.Config{Registerer: reg})
	require.NoError(t, err)

	msg := cardbot.KindMessage
	for _, ob := range []cardbot.Observation{
		{Kind: cardbot.ObsReceived, Provider: "greenapi", UpdateKind: msg},
		{Kind: cardbot.ObsReceived, Provider: "greenapi", UpdateKind: msg},
		{Kind: cardbot.ObsReceived, Provider: "aitu", UpdateKind: cardbot.KindStatus},
		{Kind: cardbot.ObsDeduplicated, Provider: "greenapi"},
		{Kind: cardbot.ObsQueued, Provider: "aitu"},
		{Kind: cardbot.ObsHandled, Provider: "greenapi", UpdateKind: msg, Route: "/start", Outcome: cardbot.OutcomeOK, Duration: 3 * time.Millisecond},
		{Kind: cardbot.ObsHandled, Provider: "greenapi", UpdateKind: msg, Outcome: cardbot.OutcomeOK},
		{Kind: cardbot.ObsSent, Provider: "greenapi", Method: "text", Outcome: cardbot.OutcomeOK, Duration: time.Millisecond},
		{Kind: cardbot.ObsSent, Provider: "greenapi", Method: "text", Outcome: cardbot.OutcomeRetryable, HTTPStatus: 429},
		{Kind: cardbot.ObsSent, Provider: "aitu", Method: "contact", Outcome: cardbot.OutcomeTimeout},
		{Kind: cardbot.ObsDeadLettered, Provider: "aitu"},
		{Kind: cardbot.ObsQueueDepth, Depth: 7, Lag: 2 * time.Second},
		{Kind: cardbot.ObsPushFailed, Provider: "greenapi", UpdateKind: msg, Outcome: cardbot.PushFailedError},
		{Kind: cardbot.ObsPushFailed, Provider: "greenapi", UpdateKind: msg, Outcome: cardbot.PushFailedError},
		{Kind: cardbot.ObsPushFailed, Provider: "aitu", Outcome: cardbot.PushFailedFull},
	} {
		o.Observe(ob)
	}

	got := scrape(t, o.Handler())
	for series, want := range map[string]float64{
		`cardbot_updates_received_total{kind="message",provider="greenapi"}`:                                     2,
		`cardbot_updates_received_total{kind="status",provider="aitu"}`:                                          1,
		`cardbot_updates_deduplicated_total{provider="greenapi"}`:                                                1,
		`cardbot_updates_queued_total{provider="aitu"}`:                                                          1,
		`cardbot_sends_total{method="text",provider="greenapi",status="ok"}`:                                     1,
		`cardbot_sends_total{method="text",provider="greenapi",status="429"}`:                                    1,
		`cardbot_sends_total{method="contact",provider="aitu",status="timeout"}`:                                 1,
		`cardbot_dead_letters_total{provider="aitu"}`:                                                            1,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="ok",provider="greenapi",route="/start"}`: 1,
		`cardbot_handler_duration_seconds_sum{kind="message",outcome="ok",provider="greenapi",route="/start"}`:   0.003,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="ok",provider="greenapi",route="none"}`:   1,
		`cardbot_send_duration_seconds_sum{method="text",provider="greenapi",status="ok"}`:                       0.001,
		`cardbot_queue_depth`: 0, // read from the bot at the scrape, never from an observation
		`cardbot_queue_push_failures_total{provider="greenapi",reason="error"}`:  2,
		`cardbot_queue_push_failures_total{provider="aitu",reason="queue_full"}`: 1,
		`cardbot_queue_lag_seconds_count`:                                        1,
		`cardbot_queue_lag_seconds_sum`:                                          2,
	} {
		assert.InDelta(t, want, got[series], 1e-9, "%s in %v", series, got)
	}
}

func TestNewErrors(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, err := prom.New(prom.Config{Registerer: reg})
	require.NoError(t, err)
	_, err = prom.New(prom.Config{Registerer: reg})
	require.Error(t, err, "a second observer on one registry")
	var are prometheus.AlreadyRegisteredError
	assert.True(t, errors.As(err, &are), "the registry's error is wrapped: %v", err)
}

func TestHandler(t *testing.T) {
	t.Run("own registry", func(t *testing.T) {
		o, err := prom.New(prom.Config{})
		require.NoError(t, err)
		o.Observe(cardbot.Observation{Kind: cardbot.ObsReceived, Provider: "greenapi", UpdateKind: cardbot.KindMessage})
		body := get(t, o.Handler())
		assert.Contains(t, body, `cardbot_updates_received_total{kind="message",provider="greenapi"} 1`)
	})
	t.Run("a Registerer that gathers", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		o, err := prom.New(prom.Config{Registerer: reg})
		require.NoError(t, err)
		o.Observe(cardbot.Observation{Kind: cardbot.ObsDeadLettered, Provider: "aitu"})
		assert.Contains(t, get(t, o.Handler()), `cardbot_dead_letters_total{provider="aitu"} 1`)
	})
	t.Run("nothing to gather", func(t *testing.T) {
		o, err := prom.New(prom.Config{Registerer: registerOnly{prometheus.NewRegistry()}})
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		o.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		assert.Equal(t, http.StatusNotFound, rec.Code)
	})
}

// registerOnly is a Registerer that is no Gatherer.
type registerOnly struct{ r *prometheus.Registry }

func (r registerOnly) Register(c prometheus.Collector) error   { return r.r.Register(c) }
func (r registerOnly) MustRegister(cs ...prometheus.Collector) { r.r.MustRegister(cs...) }
func (r registerOnly) Unregister(c prometheus.Collector) bool  { return r.r.Unregister(c) }

func get(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	return rec.Body.String()
}
