package app

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSandboxShutdownKeepsTheLastAnswer: a SIGTERM (Run's context ends)
// while the bot's answers to a sandbox message are on their way to the
// slowed fake API (the first one made, the second under way): the bot
// drains before the sandbox closes, so the last answer is sent and the
// caller gets both, not a 503 or a 502.
func TestSandboxShutdownKeepsTheLastAnswer(t *testing.T) {
	// A bot of its own on a port of its own; it waits out the slowed API.
	t.Parallel()
	base, stop := run(t, map[string]string{}) // no credentials: the sandbox
	resp, err := http.Post(base+"/sandbox/whatsapp/fault", "application/json", strings.NewReader(`{"slow":true}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	events, err := http.Get(base + "/sandbox/api/events")
	require.NoError(t, err)
	defer events.Body.Close()
	written := make(chan struct{})
	go func() {
		defer close(written)
		sc := bufio.NewScanner(events.Body)
		for sc.Scan() {
			if sc.Text() == "event: call" { // the first answer was sent: the second is under way
				return
			}
		}
	}()

	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.Post(base+"/sandbox/whatsapp/contact", "text/vcard", strings.NewReader(
			"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nTEL:+79001234561\r\nEND:VCARD\r\n"+
				"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nTEL:+79001234562\r\nEND:VCARD\r\n"))
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	select {
	case <-written:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot sent no answer")
	}
	stop() // SIGTERM; waits for Run to return
	select {
	case a := <-answered:
		require.NoError(t, a.err)
		assert.Equal(t, http.StatusOK, a.status, "body %s", a.body)
		assert.Contains(t, a.body, "79001234562", "the last answer is among the replies")
	case <-time.After(10 * time.Second):
		t.Fatal("the caller got no answer")
	}
}
