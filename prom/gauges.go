package prom

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cardbot/cardbot"
)

// gauges is the collector of the levels read at each scrape from the bot
// (cardbot.Bot.Gauges): the queue's depth and the providers' instances.
type gauges struct {
	read atomic.Pointer[func() cardbot.Gauges]

	depth, ready, state, quota *prometheus.Desc
}

func newGauges() *gauges {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName("cardbot", "", name), help, labels, nil)
	}
	return &gauges{
		depth: desc("queue_depth", "Updates the async queue delivered to the bot that are not done (running, "+
			"waiting for their turn or a retry), read at the scrape."),
		ready: desc("instance_ready", "1 while the provider's instance can send as far as is known, else 0.",
			"provider"),
		state: desc("instance_state", "1 for the state the provider's instance is in (authorized, notAuthorized, "+
			"blocked, …; unknown before it was read).", "provider", "state"),
		quota: desc("instance_quota_exceeded", "1 while the provider's service reports the instance's quota spent.",
			"provider"),
	}
}

// Describe implements prometheus.Collector.
func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- g.depth
	ch <- g.ready
	ch <- g.state
	ch <- g.quota
}

// Collect implements prometheus.Collector: it reads the bot's gauges once.
func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	var now cardbot.Gauges
	if read := g.read.Load(); read != nil {
		now = (*read)()
	}
	ch <- prometheus.MustNewConstMetric(g.depth, prometheus.GaugeValue, float64(now.QueueDepth))
	for _, s := range now.Instances {
		state := s.State
		if state == "" {
			state = "unknown"
		}
		// By the provider's name, unique in a bot: the instance id is part
		// of the API's URL paths, which stay out of the labels.
		ch <- prometheus.MustNewConstMetric(g.ready, prometheus.GaugeValue, bit(s.Ready), s.Provider)
		ch <- prometheus.MustNewConstMetric(g.state, prometheus.GaugeValue, 1, s.Provider, state)
		ch <- prometheus.MustNewConstMetric(g.quota, prometheus.GaugeValue, bit(s.QuotaExceeded), s.Provider)
	}
}

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ReadGauges implements cardbot.GaugeReader: cardbot.New hands the bot's
// Gauges method over, and each scrape reads the queue's depth and the
// instances' statuses from it.
func (o *Observer) ReadGauges(read func() cardbot.Gauges) { o.gauges.read.Store(&read) }
