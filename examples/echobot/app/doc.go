// Package app is the echobot of examples/echobot: its settings from the
// environment, its messengers (GREEN-API WhatsApp and MAX, Aitu), the
// sandboxes that play a messenger without credentials, and Run, which
// serves the bot. It is a package of its own so that the echobot's tests
// and the load harness (tools/loadtest) can start the real bot in
// process; the command in examples/echobot only calls Run.
package app
