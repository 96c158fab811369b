package sandbox

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		name        string
		remote      string
		header      string
		allowRemote bool
		status      int
	}{
		{"IPv4 loopback", "127.0.0.1:50000", "", false, http.StatusOK},
		{"IPv6 loopback", "[::1]:50000", "", false, http.StatusOK},
		{"another machine", "192.168.1.20:50000", "", false, http.StatusForbidden},
		{"a public address", "203.0.113.9:50000", "", false, http.StatusForbidden},
		{"loopback relaying for someone (X-Forwarded-For)", "127.0.0.1:50000", "X-Forwarded-For", false, http.StatusForbidden},
		{"loopback relaying for someone (Forwarded)", "127.0.0.1:50000", "Forwarded", false, http.StatusForbidden},
		{"loopback relaying for someone (X-Real-IP)", "127.0.0.1:50000", "X-Real-IP", false, http.StatusForbidden},
		{"a remote address that is not host:port", "garbage", "", false, http.StatusForbidden},
		{"another machine, AllowRemote", "192.168.1.20:50000", "", true, http.StatusOK},
		{"a proxy, AllowRemote", "127.0.0.1:50000", "X-Forwarded-For", true, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Config{Messengers: []Messenger{WhatsApp}, AllowRemote: tt.allowRemote})
			e := echo.New()
			s.sb.Mount(e)
			serve := func(method, path string) int {
				req := httptest.NewRequest(method, path, strings.NewReader("hi"))
				req.RemoteAddr = tt.remote
				req.Host = "127.0.0.1:8080"
				if tt.header != "" {
					req.Header.Set(tt.header, "198.51.100.7")
				}
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				return rec.Code
			}
			for _, path := range []string{"/sandbox/", "/sandbox/api/setup", "/sandbox/whatsapp/sent"} {
				assert.Equal(t, tt.status, serve(http.MethodGet, path), path)
			}
			assert.Equal(t, tt.status, serve(http.MethodPost, "/sandbox/whatsapp/text"))
			assert.Equal(t, tt.status == http.StatusOK, len(s.eventsOf(KindWebhook)) == 1, "a refused request delivers nothing")
		})
	}
}

func TestHandler(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}})
	h := s.sb.Handler()
	for _, tt := range []struct {
		path   string
		status int
	}{{"/sandbox", http.StatusFound}, {"/sandbox/", http.StatusOK}, {"/webhook/greenapi", http.StatusNotFound}} {
		t.Run(tt.path, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.RemoteAddr = "127.0.0.1:1"
			req.Host = "localhost:8080"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code)
		})
	}
}

// TestHostAndOrigin: a Host that is not a loopback name is refused (a DNS
// rebinding attack's page sends its own), and so is a POST from another
// site's page (CSRF), by Sec-Fetch-Site or Origin; curl, which sends
// neither, and the sandbox's own page are served. With AllowRemote any
// Host is served, and still no other site's POST.
func TestHostAndOrigin(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		host        string
		headers     map[string]string
		allowRemote bool
		status      int
	}{
		{"localhost", http.MethodGet, "localhost:8080", nil, false, http.StatusOK},
		{"localhost without a port", http.MethodGet, "localhost", nil, false, http.StatusOK},
		{"LOCALHOST.", http.MethodGet, "LOCALHOST.:8080", nil, false, http.StatusOK},
		{"127.0.0.1", http.MethodGet, "127.0.0.1:8080", nil, false, http.StatusOK},
		{"127.1.2.3", http.MethodGet, "127.1.2.3", nil, false, http.StatusOK},
		{"[::1]", http.MethodGet, "[::1]:8080", nil, false, http.StatusOK},
		{"[::1] without a port", http.MethodGet, "[::1]", nil, false, http.StatusOK},
		{"rebinding: evil.example", http.MethodGet, "evil.example", nil, false, http.StatusForbidden},
		{"rebinding: evil.example:8080", http.MethodGet, "evil.example:8080", nil, false, http.StatusForbidden},
		{"a LAN address", http.MethodGet, "192.168.1.5:8080", nil, false, http.StatusForbidden},
		{"localhost.evil.example", http.MethodGet, "localhost.evil.example:8080", nil, false, http.StatusForbidden},
		{"127.0.0.1.nip.io", http.MethodGet, "127.0.0.1.nip.io", nil, false, http.StatusForbidden},
		{"no Host", http.MethodGet, "", nil, false, http.StatusForbidden},
		{"rebinding POST", http.MethodPost, "evil.example", nil, false, http.StatusForbidden},
		{"curl POST", http.MethodPost, "localhost:8080", nil, false, http.StatusOK},
		{"the page's POST", http.MethodPost, "localhost:8080",
			map[string]string{"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-origin"}, false, http.StatusOK},
		{"a POST with its own Origin only", http.MethodPost, "127.0.0.1:8080",
			map[string]string{"Origin": "http://127.0.0.1:8080"}, false, http.StatusOK},
		{"a typed URL (Sec-Fetch-Site none)", http.MethodPost, "localhost:8080",
			map[string]string{"Sec-Fetch-Site": "none"}, false, http.StatusOK},
		{"cross-site form", http.MethodPost, "localhost:8080",
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, false, http.StatusForbidden},
		{"cross-site, Sec-Fetch-Site only", http.MethodPost, "localhost:8080",
			map[string]string{"Sec-Fetch-Site": "cross-site"}, false, http.StatusForbidden},
		{"cross-site, Origin only", http.MethodPost, "localhost:8080",
			map[string]string{"Origin": "https://evil.example"}, false, http.StatusForbidden},
		{"another port of localhost", http.MethodPost, "localhost:8080",
			map[string]string{"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}, false, http.StatusForbidden},
		{"Origin null (a sandboxed frame, a file)", http.MethodPost, "localhost:8080",
			map[string]string{"Origin": "null"}, false, http.StatusForbidden},
		{"AllowRemote: any Host", http.MethodGet, "bot.example:8080", nil, true, http.StatusOK},
		{"AllowRemote: its own page's POST", http.MethodPost, "bot.example:8080",
			map[string]string{"Origin": "https://bot.example:8080", "Sec-Fetch-Site": "same-origin"}, true, http.StatusOK},
		{"AllowRemote: cross-site form", http.MethodPost, "bot.example:8080",
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, true, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Config{Messengers: []Messenger{WhatsApp}, AllowRemote: tt.allowRemote})
			e := echo.New()
			s.sb.Mount(e)
			path := "/sandbox/api/setup"
			if tt.method == http.MethodPost {
				path = "/sandbox/whatsapp/text"
			}
			req := httptest.NewRequest(tt.method, path, strings.NewReader("hi"))
			req.RemoteAddr = "127.0.0.1:50000"
			req.Host = tt.host
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			if tt.method == http.MethodPost {
				assert.Equal(t, tt.status == http.StatusOK, len(s.eventsOf(KindWebhook)) == 1, "a refused request delivers nothing")
			}
		})
	}
}

// TestRefusalsRateLimited: a flood of refused requests writes a burst of
// lines, then one a second; the next line counts those left out.
func TestRefusalsRateLimited(t *testing.T) {
	var buf strings.Builder // written by the requests, served one at a time
	log := slog.New(slog.NewTextHandler(&buf, nil))
	s := start(t, Config{Messengers: []Messenger{WhatsApp}, Logger: log})
	h := s.sb.Handler()
	for range 100 {
		req := httptest.NewRequest(http.MethodGet, "/sandbox/", nil)
		req.RemoteAddr = "127.0.0.1:1"
		req.Host = "evil.example"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusForbidden, rec.Code)
	}
	lines := strings.Count(buf.String(), "refused a request for a Host that is not loopback")
	assert.GreaterOrEqual(t, lines, refusalLogBurst)
	assert.LessOrEqual(t, lines, refusalLogBurst+2, "100 refusals, a burst of lines")
	assert.Contains(t, buf.String(), "host=evil.example")
}
