package apiclient_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apiclient"
)

// TestRawBody: a Raw body goes out whole, with its type and length, on
// every attempt; an empty one goes out as no body.
func TestRawBody(t *testing.T) {
	type seen struct {
		body, ctype string
		length      int64
		chunked     bool
	}
	var (
		mu   sync.Mutex
		got  []seen
		fail = true
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, seen{string(b), r.Header.Get("Content-Type"), r.ContentLength, len(r.TransferEncoding) > 0})
		if fail && r.URL.Path == "/flaky" {
			fail = false
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, apiclient.Options{Retries: 2})

	tests := []struct {
		name  string
		path  string
		parts [][]byte
		ctype string
		want  []seen
	}{
		{"parts in order", "/ok", [][]byte{[]byte("head-"), []byte("data"), []byte("-tail")}, "multipart/form-data; boundary=x",
			[]seen{{"head-data-tail", "multipart/form-data; boundary=x", 14, false}}},
		{"sent again after a 503", "/flaky", [][]byte{[]byte("a"), []byte("b")}, "text/plain",
			[]seen{{"ab", "text/plain", 2, false}, {"ab", "text/plain", 2, false}}},
		{"empty", "/ok", [][]byte{}, "", []seen{{"", "", 0, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			r := &apiclient.Request{Method: "m", HTTPMethod: http.MethodPost, URL: srv.URL + tt.path, Raw: tt.parts, ContentType: tt.ctype}
			_, _, err := c.Call(t.Context(), r)
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tt.want, got)
		})
	}
}
