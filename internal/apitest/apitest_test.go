package apitest_test

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot/internal/apitest"
)

// TestMain fails the package's tests when a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestMisbehaving(t *testing.T) {
	for _, mode := range []apitest.Mode{apitest.Hang, apitest.Cut} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := apitest.NewMisbehaving(t, mode)
			hc := &http.Client{Timeout: 100 * time.Millisecond}
			resp, err := hc.Post(srv.URL, "application/json", bytes.NewReader([]byte(`{"a":1}`)))
			if err == nil {
				resp.Body.Close()
			}
			require.Error(t, err, "no answer")
			assert.Equal(t, 1, srv.Requests())
			hc.CloseIdleConnections()
		})
	}
}

func TestRefusedURLAndDialCounter(t *testing.T) {
	dc := apitest.NewDialCounter(time.Second)
	resp, err := dc.Client.Get(apitest.RefusedURL(t))
	if err == nil {
		resp.Body.Close()
	}
	var op *net.OpError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, "dial", op.Op)
	assert.Equal(t, 1, dc.Dials())
}

func TestResolver(t *testing.T) {
	r := &apitest.Resolver{Hosts: map[string]string{"files.example.test": "127.0.0.1", "bad.example.test": "x"}}
	tests := []struct {
		host     string
		want     string
		notFound bool
	}{
		{"files.example.test", "127.0.0.1", false},
		{"nxdomain.example.test", "", true},
		{"bad.example.test", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			ips, err := r.LookupNetIP(t.Context(), "ip", tt.host)
			assert.Equal(t, 1, r.Lookups(tt.host))
			if tt.want != "" {
				require.NoError(t, err)
				require.Len(t, ips, 1)
				assert.Equal(t, tt.want, ips[0].String())
				return
			}
			var dns *net.DNSError
			require.True(t, errors.As(err, &dns))
			assert.Equal(t, tt.notFound, dns.IsNotFound)
		})
	}
}
