package sandbox

import (
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
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code)
		})
	}
}
