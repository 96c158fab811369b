package greenapi_test

import (
	"context"
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
	"github.com/cardbot/cardbot/provider/greenapi"
)

// elsewhere is a server that records every request it gets: the host an
// API's redirect points at.
type elsewhere struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // method, URL and headers of each request
}

func newElsewhere(t *testing.T) *elsewhere {
	t.Helper()
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.seen = append(e.seen, r.Method+" "+r.URL.String()+" "+strings.Join(headerValues(r.Header), " "))
		e.mu.Unlock()
		_, _ = w.Write([]byte(`{"idMessage":"X","downloadUrl":"http://127.0.0.1:9/x"}`))
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.seen...)
}

func headerValues(h http.Header) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// TestRedirectNotFollowed: an API that answers 307 to another host (with
// the path, and so the token, in the target) gets a typed error back, and
// the other host gets no request, neither with the client's own HTTP
// client nor with one the caller gave, which stays as it was.
func TestRedirectNotFollowed(t *testing.T) {
	const token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345"
	other := newElsewhere(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(api.Close)

	calls := []struct {
		name   string
		method string
		call   func(context.Context, *greenapi.Client) error
	}{
		{"send a text", "sendMessage", func(ctx context.Context, c *greenapi.Client) error {
			_, err := c.Send(ctx, "79001234567@c.us", cardbot.Text{Body: "hello"})
			return err
		}},
		{"download by downloadFile", "downloadFile", func(ctx context.Context, c *greenapi.Client) error {
			_, err := c.Download(ctx, cardbot.Document{ID: "79001234567@c.us/BAE5F4886AC5A8E0"})
			return err
		}},
	}
	clients := []struct {
		name string
		hc   func() *http.Client
	}{
		{"default HTTP client", func() *http.Client { return nil }},
		{"caller's HTTP client", func() *http.Client { return &http.Client{Timeout: 5 * time.Second} }},
	}
	for _, cl := range clients {
		for _, tt := range calls {
			t.Run(cl.name+"/"+tt.name, func(t *testing.T) {
				hc := cl.hc()
				c, err := greenapi.New(greenapi.Config{
					APIURL: api.URL, IDInstance: "1101000001", APITokenInstance: token,
					HTTPClient: hc, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
					Logger: slog.New(slog.DiscardHandler),
				})
				require.NoError(t, err)
				err = tt.call(t.Context(), c)
				require.ErrorIs(t, err, greenapi.ErrRedirected)
				var ae *greenapi.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.method, ae.Method)
				assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
				assert.False(t, cardbot.IsRetryable(err), "a redirect is not retried")
				assert.NotErrorIs(t, err, greenapi.ErrTransient)
				assert.NotContains(t, err.Error(), token)
				assert.Contains(t, err.Error(), "redirect not followed (to host 127.0.0.1)")
				assert.Empty(t, other.requests(), "the other host got nothing")
				if hc != nil {
					assert.Nil(t, hc.CheckRedirect, "the caller's client is not changed")
				}
			})
		}
	}
}
