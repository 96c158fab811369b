package providertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apitest"
)

// Redirecting are the kinds of download of a hostile server that
// redirect: apitest.ServeHostile's, and "away", to OtherHost.
var Redirecting = []string{"loop", "private", "metadata", "scheme", "away"}

// elsewhere is the vCard that the server serves on OtherHost.
const elsewhere = "BEGIN:VCARD\r\nFN:A\r\nTEL:+77011234567\r\nEND:VCARD\r\n"

// Hostile says how a client downloads from a hostile server: a server on
// loopback that is its API, and whose downloads answer by kind as
// apitest.ServeHostile does, with "away" redirecting to OtherHost.
type Hostile struct {
	// Document returns the document whose download asks the server at
	// url for kind.
	Document func(url, kind string) cardbot.Document
	// Kind returns the kind a download's request asks for.
	Kind func(r *http.Request) string
	// Refused maps each of Redirecting to the error its download fails
	// with; a kind it lacks is downloaded.
	Refused map[string]error
	// Follows tells that the client follows a redirect to a safe URL.
	Follows bool
}

// hostileRequest is a request the hostile server got.
type hostileRequest struct {
	host, uri, kind string
	header          http.Header
}

// hostileServer is a hostile server; the requests it got are recorded.
type hostileServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []hostileRequest
}

func newHostileServer(t *testing.T, token string, h Hostile) *hostileServer {
	t.Helper()
	done := make(chan struct{})
	s := &hostileServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := hostileRequest{host: r.Host, uri: r.URL.RequestURI(), header: r.Header.Clone()}
		first := r.URL.Path != "/elsewhere.vcf" && !strings.HasPrefix(r.URL.Path, "/loop/")
		if first {
			req.kind = h.Kind(r)
		}
		s.mu.Lock()
		s.seen = append(s.seen, req)
		s.mu.Unlock()
		switch {
		case !first && r.URL.Path == "/elsewhere.vcf":
			_, _ = io.WriteString(w, elsewhere)
		case !first:
			http.Redirect(w, r, s.loop(token), http.StatusFound)
		case req.kind == "away":
			http.Redirect(w, r, strings.Replace(s.URL, "127.0.0.1", OtherHost, 1)+"/elsewhere.vcf", http.StatusFound)
		case !apitest.ServeHostile(w, r, req.kind, s.loop(token), token, done):
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(done) }) // before Close, which waits for the handlers
	return s
}

// loop is where "loop" redirects, again and again: a URL that holds the
// token.
func (s *hostileServer) loop(token string) string { return s.URL + "/loop/" + token + "/x" }

// requests returns the requests from the nth on.
func (s *hostileServer) requests(n int) []hostileRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hostileRequest(nil), s.seen[n:]...)
}

func hostileDownloads[C Client](t *testing.T, h Harness[C]) {
	srv := newHostileServer(t, h.Token, h.Hostile)
	c := h.New(t, Options{APIURL: srv.URL, DownloadTimeout: 200 * time.Millisecond})
	doc := func(kind string) cardbot.Document { return h.Hostile.Document(srv.URL, kind) }

	// A redirect is refused or followed with care; its target never gets
	// the token.
	for _, kind := range Redirecting {
		t.Run(kind, func(t *testing.T) {
			before := len(srv.requests(0))
			rc, err := c.Download(t.Context(), doc(kind))
			if want, refused := h.Hostile.Refused[kind]; refused {
				require.ErrorIs(t, err, want)
				assert.False(t, cardbot.IsRetryable(err), "a redelivery cannot help: %v", err)
				assert.NotErrorIs(t, err, h.Errors.Transient)
				assert.NotContains(t, err.Error(), h.Token)
			} else {
				require.NoError(t, err)
				got, err := io.ReadAll(rc)
				require.NoError(t, err)
				require.NoError(t, rc.Close())
				assert.Equal(t, elsewhere, string(got))
			}
			got := srv.requests(before)
			require.NotEmpty(t, got)
			firsts := 0
			for i, r := range got {
				if r.kind == kind {
					firsts++
				}
				if i == 0 {
					continue
				}
				away := strings.HasPrefix(r.host, OtherHost)
				for name, values := range r.header {
					if name == "Referer" && !away {
						continue // the server's own URL, which it filled with the token
					}
					assert.NotContains(t, strings.Join(values, " "), h.Token, "the token in %s of a redirect", name)
				}
				if away {
					assert.NotContains(t, r.uri, h.Token, "the token sent to another host")
				}
			}
			assert.Equal(t, 1, firsts, "not retried")
			if h.Hostile.Follows {
				assert.LessOrEqual(t, len(got), 10, "a few redirects at the most")
			} else {
				assert.Len(t, got, 1, "the redirect is not followed")
			}
		})
	}

	t.Run("slow body times out", func(t *testing.T) {
		rc, err := c.Download(t.Context(), doc("slow"))
		require.NoError(t, err)
		defer rc.Close()
		_, err = io.ReadAll(rc)
		require.ErrorIs(t, err, cardbot.ErrDownloadTimeout)
	})
	t.Run("slow body through Contacts", func(t *testing.T) {
		_, err := contacts(t, c, h.Chat, doc("slow"))
		require.ErrorIs(t, err, cardbot.ErrDownloadTimeout)
	})
	t.Run("huge body is cut at the cap", func(t *testing.T) {
		_, err := contacts(t, c, h.Chat, doc("endless"), cardbot.WithMaxDocumentSize(64<<10))
		require.ErrorIs(t, err, cardbot.ErrDocumentTooLarge)
	})

	t.Run("the token is in no error and no log line", func(t *testing.T) {
		leaks := apitest.NewLeaks(t)
		c := h.New(t, Options{APIURL: srv.URL, DownloadTimeout: 100 * time.Millisecond, Logger: leaks.Logger})
		bot := []cardbot.Option{cardbot.WithLogger(leaks.Logger), cardbot.WithMaxDocumentSize(4 << 10)}
		for _, kind := range []string{"loop", "private", "metadata", "scheme", "slow", "endless", "missing", ""} {
			_, err := contacts(t, c, h.Chat, doc(kind), bot...)
			leaks.Collect(err)
		}
		leaks.Check(h.Token)
	})
}

// contacts reads the contacts of a .vcf document in chat, as a handler
// of a bot made with opts does.
func contacts(t *testing.T, c cardbot.Provider, chat string, doc cardbot.Document, opts ...cardbot.Option) ([]contactcard.Card, error) {
	doc.FileName = "x.vcf"
	u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: chat}, Message: &cardbot.Message{Document: &doc}}
	return cardbottest.NewContext(t, c, u, opts...).Contacts()
}
