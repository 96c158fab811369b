package greenapi_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/internal/providertest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// publicAPI resolves the default API host to a public address
// (TEST-NET-3), and a file host to loopback.
var publicAPI = &apitest.Resolver{Hosts: map[string]string{"api.green-api.com": "203.0.113.10", "files.example.test": "127.0.0.1"}}

// fileServer is a loopback server of hostile downloads; it counts the
// connections and requests it got.
type fileServer struct {
	*httptest.Server
	conns, reqs atomic.Int32
}

func newFileServer(t *testing.T, h http.HandlerFunc) *fileServer {
	t.Helper()
	s := &fileServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.reqs.Add(1)
		h(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// hostileFiles serves /loop (redirects without end, to a path that holds
// token), /private (redirects to a private address), /slow (a body that
// drips) and /endless (a body without end). It ends its handlers when
// the test ends.
func hostileFiles(t *testing.T, token string) *fileServer {
	t.Helper()
	done := make(chan struct{})
	var s *fileServer
	s = newFileServer(t, func(w http.ResponseWriter, r *http.Request) {
		kind := strings.TrimPrefix(r.URL.Path, "/")
		if strings.HasPrefix(kind, "loop") {
			kind = "loop"
		}
		if !apitest.ServeHostile(w, r, kind, s.URL+"/loop/"+token+"/x", token, done) {
			http.NotFound(w, r)
		}
	})
	t.Cleanup(func() { close(done) }) // runs before the server's Close
	return s
}

func TestDownloadHostile(t *testing.T) {
	srv := newServer(t)
	files := hostileFiles(t, srv.Token)
	local := newClient(t, srv, func(c *greenapi.Config) { c.DownloadTimeout = 200 * time.Millisecond })

	public := func(t *testing.T) *greenapi.Client {
		cfg := srv.Config()
		cfg.APIURL = "https://api.green-api.com"
		cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, time.Millisecond
		cfg.Logger = slog.New(slog.DiscardHandler)
		c, err := greenapi.New(cfg)
		require.NoError(t, err)
		greenapi.SetDownloadResolver(c, publicAPI)
		return c
	}

	tests := []struct {
		name    string
		client  func(*testing.T) *greenapi.Client
		url     string
		wantErr error
		noConn  bool // refused before any connection
	}{
		{"not http", public, "file:///etc/passwd", cardbot.ErrUnsafeURL, true},
		{"gopher", public, "gopher://127.0.0.1:70/", cardbot.ErrUnsafeURL, true},
		{"loopback IP, public API", public, files.URL + "/x.vcf", cardbot.ErrUnsafeURL, true},
		{"name resolving to loopback, public API", public, strings.Replace(files.URL, "127.0.0.1", "files.example.test", 1) + "/x.vcf", cardbot.ErrUnsafeURL, true},
		{"redirect loop", func(*testing.T) *greenapi.Client { return local }, files.URL + "/loop", cardbot.ErrTooManyRedirects, false},
		{"redirect to a private address", func(*testing.T) *greenapi.Client { return local }, files.URL + "/private", cardbot.ErrUnsafeURL, false},
		{"redirect to the metadata address", func(*testing.T) *greenapi.Client { return local }, files.URL + "/metadata", cardbot.ErrUnsafeURL, false},
		{"redirect to a file URL", func(*testing.T) *greenapi.Client { return local }, files.URL + "/scheme", cardbot.ErrUnsafeURL, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conns, reqs := files.conns.Load(), files.reqs.Load()
			_, err := tt.client(t).Download(t.Context(), cardbot.Document{URL: tt.url, FileName: "x.vcf"})
			require.ErrorIs(t, err, tt.wantErr)
			assert.False(t, cardbot.IsRetryable(err), "a redelivery cannot help: %v", err)
			assert.NotErrorIs(t, err, greenapi.ErrTransient)
			assert.NotContains(t, err.Error(), srv.Token)
			if tt.noConn {
				assert.Equal(t, conns, files.conns.Load(), "refused before any connection")
				return
			}
			if tt.wantErr == cardbot.ErrTooManyRedirects {
				assert.LessOrEqual(t, files.reqs.Load()-reqs, int32(10), "a few redirects, not retried")
			} else {
				assert.Equal(t, int32(1), files.reqs.Load()-reqs, "one request, not retried")
			}
		})
	}

	t.Run("loopback allowed when the API is on loopback", func(t *testing.T) {
		u := srv.AddFile("anna.vcf", "text/vcard", []byte(vcf))
		rc, err := local.Download(t.Context(), cardbot.Document{URL: u})
		require.NoError(t, err)
		defer rc.Close()
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, vcf, string(got))
	})

	providertest.HostileBodies(t, local, "79001234568@c.us",
		cardbot.Document{URL: files.URL + "/slow"}, cardbot.Document{URL: files.URL + "/endless"})

	t.Run("slow body through Contacts", func(t *testing.T) {
		u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "79001234568@c.us"},
			Message: &cardbot.Message{Document: &cardbot.Document{URL: files.URL + "/slow", FileName: "x.vcf"}}}
		_, err := cardbot.NewContext(t.Context(), nil, local, &u).Contacts()
		require.ErrorIs(t, err, cardbot.ErrDownloadTimeout)
	})

	t.Run("a private address, public API", func(t *testing.T) {
		_, err := public(t).Download(t.Context(), cardbot.Document{URL: "http://192.168.0.1/x.vcf"})
		require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
	})
}

// TestDownloadTokensNeverLeak drives every download failure with a
// logger at level Debug and retries on, and asserts that neither token is
// in an error string or a log line, even when the hostile URLs carry the
// token.
func TestDownloadTokensNeverLeak(t *testing.T) {
	const (
		apiToken     = "d75b3a66374942c5b3c019c698abc2067e151558acbd412c"
		webhookToken = "whsec-4f1c2b9e8d7a6c5b"
	)
	leaks := apitest.NewLeaks(t)
	logger := leaks.Logger
	srv := newServer(t, greenapitest.WithCredentials("1101000001", apiToken), greenapitest.WithWebhookToken(webhookToken))
	files := hostileFiles(t, apiToken)
	local := newClient(t, srv, func(c *greenapi.Config) {
		c.Logger = logger
		c.DownloadTimeout = 100 * time.Millisecond
	})
	cfg := srv.Config()
	cfg.APIURL, cfg.Logger = "https://api.green-api.com", logger
	cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, time.Millisecond
	public, err := greenapi.New(cfg)
	require.NoError(t, err)
	greenapi.SetDownloadResolver(public, publicAPI)

	download := func(c *greenapi.Client, url string, read bool) {
		t.Helper()
		bot := cardbot.New(cardbot.WithLogger(logger), cardbot.WithMaxDocumentSize(4<<10))
		u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "79001234568@c.us"},
			Message: &cardbot.Message{Document: &cardbot.Document{URL: url, FileName: "x.vcf"}}}
		if read {
			_, err := cardbot.NewContext(t.Context(), bot, c, &u).Contacts()
			leaks.Collect(err)
			return
		}
		_, err := c.Download(t.Context(), *u.Message.Document)
		leaks.Collect(err)
	}
	download(public, "file:///"+apiToken, false)
	download(public, "ftp://"+webhookToken+"@127.0.0.1/", false)
	download(public, files.URL+"/"+apiToken+".vcf", false)        // loopback, public API
	download(public, "http://10.0.0.1/"+apiToken+"/x.vcf", false) // private, public API
	download(local, files.URL+"/loop", false)
	download(local, files.URL+"/private", false)
	download(local, files.URL+"/slow", true)
	download(local, files.URL+"/endless", true)
	download(local, files.URL+"/"+apiToken+"/404", false)

	assert.Equal(t, 9, leaks.Errors())
	leaks.Check(apiToken, webhookToken)
}
