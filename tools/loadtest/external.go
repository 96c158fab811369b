package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// The external mode loads an echobot that runs in another process (or
// anywhere the harness does not own it): the harness starts the fakes'
// fronts on fixed loopback addresses, prints the environment the echobot
// must be started with, waits for its GET /healthz, and runs the bare,
// floor, load and fault phases against it. The shutdown phase and the
// goroutine and heap checks need the bot in this process and are skipped.

// botEnv is the environment of the echobot that this run loads, in the
// order the README lists it.
func botEnv(cfg Config, fr *fronts) [][2]string {
	u, _ := url.Parse(cfg.Bot) // checked by parseFlags
	// The echobot attempts a send at most once once it may have reached
	// the API, so each failure of a redeliver fault costs one handling:
	// async delivery must try more often than the fault fails.
	return append(echobotEnv(u.Host, cfg.Modes, fr),
		[2]string{"RETRY_WAIT", cfg.RetryWait.String()},
		[2]string{"MAX_ATTEMPTS", strconv.Itoa(cfg.Faults.Stubborn + 2)})
}

// echobotEnv is the environment of an echobot that listens on addr,
// delivers with delivery (sync or async) and reaches the fakes through fr.
func echobotEnv(addr, delivery string, fr *fronts) [][2]string {
	return [][2]string{
		{"ADDR", addr},
		{"METRICS_ADDR", "off"}, // several bots on one machine: the default port is one
		{"DELIVERY", delivery},
		{"GREENAPI_API_URL", fr[onWhatsApp].URL},
		{"GREENAPI_ID_INSTANCE", waInstance},
		{"GREENAPI_API_TOKEN_INSTANCE", waToken},
		{"GREENAPI_WEBHOOK_TOKEN", hookToken},
		{"MAX_API_URL", fr[onMAX].URL},
		{"MAX_ID_INSTANCE", maxInstance},
		{"MAX_API_TOKEN_INSTANCE", maxToken},
		{"MAX_WEBHOOK_TOKEN", maxHook},
		// Each phase adds its cards' accounts to the fake's contact base,
		// after a bot that outlives a phase read it: a miss reads it again.
		{"MAX_CONTACTS_REFRESH", "1ms"},
		{"AITU_API_URL", fr[onAitu].URL + aitutest.BasePath},
		{"AITU_BOT_TOKEN", aituToken},
		{"AITU_WEBHOOK_SECRET", aituSecret},
	}
}

// printEnv prints the environment, a line "  KEY=value" each, then a
// command that starts the echobot with it.
func printEnv(out io.Writer, cfg Config, fr *fronts) {
	env := botEnv(cfg, fr)
	fmt.Fprintf(out, "external bot at %s: the fake providers listen on %s (WhatsApp), %s (MAX) and %s (Aitu).\n",
		cfg.Bot, fr[onWhatsApp].URL, fr[onMAX].URL, fr[onAitu].URL)
	fmt.Fprintf(out, "Start the echobot with this environment; the harness waits up to %s for its GET /healthz:\n", cfg.Wait)
	pairs := make([]string, len(env))
	for i, kv := range env {
		fmt.Fprintf(out, "  %s=%s\n", kv[0], kv[1])
		pairs[i] = kv[0] + "=" + kv[1]
	}
	fmt.Fprintf(out, "for example, in the repository's root (it logs a line per update):\n  env %s go run ./examples/echobot 2>echobot.log\n\n", strings.Join(pairs, " "))
}

// waitHealthy polls base's GET /healthz until it answers 200, for up to
// wait.
func waitHealthy(ctx context.Context, base string, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	client := &http.Client{Transport: loopbackTransport(nil), Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	var last string
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if sleep(ctx, 100*time.Millisecond) != nil {
			return fmt.Errorf("the bot at %s was not healthy within %s (last: %s)", base, wait, last)
		}
	}
}
