// Package prom turns what a cardbot.Bot observes into Prometheus metrics.
//
//	obs, err := prom.New(prom.Config{})
//	bot := cardbot.New(cardbot.WithObserver(obs))
//	http.Handle("/metrics", obs.Handler())
//
// The metrics, all in the namespace cardbot:
//
//	cardbot_updates_received_total{provider,kind}      counter
//	cardbot_updates_deduplicated_total{provider}       counter
//	cardbot_updates_queued_total{provider}             counter
//	cardbot_handler_duration_seconds{provider,kind,route,outcome}  histogram
//	cardbot_sends_total{provider,method,status}        counter
//	cardbot_send_duration_seconds{provider,method,status}          histogram
//	cardbot_dead_letters_total{provider}               counter
//	cardbot_queue_push_failures_total{provider,reason} counter
//	cardbot_queue_depth                                gauge
//	cardbot_queue_lag_seconds                          histogram
//	cardbot_instance_ready{provider}                   gauge
//	cardbot_instance_state{provider,state}             gauge
//	cardbot_instance_quota_exceeded{provider}          gauge
//
// kind is the update's kind ("message", "status", "other"); route is the
// route that handled it as its String method says ("/start", "OnText"), or
// "none"; outcome is "ok", "error", "retryable", "panic" or "timeout";
// method is what was sent ("text", "contact", "file"); status is "ok",
// the HTTP status of a failed send ("429", "500"), or the outcome of a
// failure without one ("error", "timeout"); reason is why a push to the
// async queue failed ("queue_full", "timeout", "canceled", "error").
//
// The gauges are read from the bot at each scrape (cardbot.Bot.Gauges,
// which cardbot.New hands to the Observer): cardbot_queue_depth is the
// number of updates the async queue delivered to the bot that are not
// done at that moment; the instance gauges are the state of each
// provider's instance (GREEN-API's stateInstance: "authorized",
// "notAuthorized", "blocked", …, "unknown" before it was read), with one
// series per instance, for the state it is in, labelled by the
// provider's name (the instance id is part of the API's URL paths).
//
// No label ever holds a chat id, a phone number, a text or a URL path, so
// Aitu's secret webhook path and the users' numbers stay out of the
// metrics.
//
// The collectors are registered with Config.Registerer, or with a registry
// of the Observer's own; never with Prometheus' global registry.
package prom
