package cardbot

import "sort"

// Gauges are levels of a bot at one moment, read when they are wanted (at
// a metrics scrape), not observed as they change.
type Gauges struct {
	// Async says the bot delivers through an Engine (delivery.WithAsync).
	Async bool
	// QueueDepth is the number of updates the engine took from its queue
	// that are not done (DepthReporter): with package delivery's, running,
	// waiting for their turn behind their chat's or for a retry, bounded
	// by delivery.Config.QueueSize; what a durable queue stores beyond that
	// is not counted. 0 for a sync bot.
	QueueDepth int
	// Instances are the statuses of the registered providers that report
	// one (InstanceReporter), by provider name.
	Instances []InstanceStatus
}

// GaugeReader is an Observer that also reads the bot's gauges when it
// wants them: New hands it the bot's Gauges method once (prom's Observer
// reads them at each scrape). An Observer given to several bots reads the
// last one's.
type GaugeReader interface {
	Observer
	ReadGauges(read func() Gauges)
}

// Gauges returns the bot's gauges now. It asks no store and no provider's
// service, so it is cheap.
func (b *Bot) Gauges() Gauges {
	var g Gauges
	if b.eng != nil {
		g.Async = true
		if d, ok := b.eng.(DepthReporter); ok {
			g.QueueDepth = d.QueueDepth()
		}
	}
	b.mu.RLock()
	for _, p := range b.providers {
		if r, ok := p.(InstanceReporter); ok {
			g.Instances = append(g.Instances, r.InstanceStatus())
		}
	}
	b.mu.RUnlock()
	sort.Slice(g.Instances, func(i, j int) bool { return g.Instances[i].Provider < g.Instances[j].Provider })
	return g
}
