package aitu_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/internal/providertest"
	"github.com/cardbot/cardbot/provider/aitu"
)

const hostileToken = "51ae2e07-22e6-4460-8929-4aaf082127fa"

// hostileAPI is a fake Bot API on loopback whose download/ answers by
// fileId: "loop" redirects without end (to URLs that hold the token),
// "private" and "metadata" redirect to local addresses, "scheme" to a
// file URL, "away" to another host (files.example.test, the same server
// by name): the client must follow none of them. "slow" drips its body,
// "endless" never ends it. It records the token header of every request.
type hostileAPI struct {
	*httptest.Server
	mu     sync.Mutex
	tokens map[string][]string // path → X-BOT-TOKEN seen
}

func newHostileAPI(t *testing.T) *hostileAPI {
	t.Helper()
	done := make(chan struct{})
	a := &hostileAPI{tokens: map[string][]string{}}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.tokens[r.URL.Path] = append(a.tokens[r.URL.Path], r.Header.Get("X-BOT-TOKEN"))
		a.mu.Unlock()
		if r.URL.Path == "/elsewhere.vcf" {
			_, _ = io.WriteString(w, "BEGIN:VCARD\r\nFN:A\r\nTEL:+77011234567\r\nEND:VCARD\r\n")
			return
		}
		kind := r.URL.Query().Get("fileId")
		switch {
		case strings.HasPrefix(r.URL.Path, "/loop/"):
			http.Redirect(w, r, a.URL+"/loop/"+hostileToken+"x", http.StatusFound)
		case kind == "away":
			http.Redirect(w, r, strings.Replace(a.URL, "127.0.0.1", "files.example.test", 1)+"/elsewhere.vcf", http.StatusFound)
		case !apitest.ServeHostile(w, r, kind, a.URL+"/loop/"+hostileToken, hostileToken, done):
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(a.Close)
	t.Cleanup(func() { close(done) }) // before Close, which waits for the handlers
	return a
}

func (a *hostileAPI) seen(path string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.tokens[path]...)
}

func hostileClient(t *testing.T, a *hostileAPI, logger *slog.Logger) *aitu.Client {
	t.Helper()
	c, err := aitu.New(aitu.Config{
		APIURL: a.URL, Token: hostileToken, Logger: logger,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		DownloadTimeout: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	aitu.SetDownloadResolver(c, &apitest.Resolver{Hosts: map[string]string{"files.example.test": "127.0.0.1"}})
	return c
}

func TestDownloadHostile(t *testing.T) {
	api := newHostileAPI(t)
	c := hostileClient(t, api, slog.New(slog.DiscardHandler))

	// The download carries the token: every redirect, whatever it points
	// at, is refused, and its target gets no request.
	for _, fileID := range []string{"loop", "private", "metadata", "scheme", "away"} {
		t.Run(fileID, func(t *testing.T) {
			before := len(api.seen("/download/"))
			_, err := c.Download(t.Context(), cardbot.Document{ID: fileID})
			require.ErrorIs(t, err, aitu.ErrRedirected)
			assert.False(t, cardbot.IsRetryable(err), "a redelivery cannot help: %v", err)
			assert.NotErrorIs(t, err, aitu.ErrTransient)
			assert.NotContains(t, err.Error(), hostileToken)
			assert.Len(t, api.seen("/download/"), before+1, "not retried")
			assert.Empty(t, api.seen("/elsewhere.vcf"), "the redirect is not followed")
			assert.Empty(t, api.seen("/loop/"+hostileToken), "the redirect is not followed")
		})
	}

	providertest.HostileBodies(t, c, "USER:x", cardbot.Document{ID: "slow"}, cardbot.Document{ID: "endless"})
}

// TestDownloadTokenNeverLeaks drives every download failure with a
// logger at level Debug and asserts that the token is in no error string
// and no log line, though the hostile redirects carry it in their URLs.
func TestDownloadTokenNeverLeaks(t *testing.T) {
	leaks := apitest.NewLeaks(t)
	api := newHostileAPI(t)
	c := hostileClient(t, api, leaks.Logger)
	bot := cardbot.New(cardbot.WithLogger(leaks.Logger), cardbot.WithMaxDocumentSize(4<<10))

	for _, id := range []string{"loop", "private", "metadata", "scheme", "slow", "endless", "missing", ""} {
		u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "USER:x"},
			Message: &cardbot.Message{Document: &cardbot.Document{ID: id, FileName: "x.vcf"}}}
		_, err := cardbot.NewContext(t.Context(), bot, c, &u).Contacts()
		leaks.Collect(err)
	}
	leaks.Check(hostileToken)
}
