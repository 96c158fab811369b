package greenapi_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// newClient returns a client of srv with tiny backoffs and a silent
// logger; mods change the config further.
func newClient(t testing.TB, srv *greenapitest.Server, mods ...func(*greenapi.Config)) *greenapi.Client {
	t.Helper()
	cfg := srv.Config()
	cfg.MinBackoff = time.Millisecond
	cfg.MaxBackoff = 10 * time.Millisecond
	cfg.Logger = slog.New(slog.DiscardHandler)
	for _, m := range mods {
		m(&cfg)
	}
	c, err := greenapi.New(cfg)
	require.NoError(t, err)
	return c
}

func newServer(t testing.TB, opts ...greenapitest.Option) *greenapitest.Server {
	t.Helper()
	srv := greenapitest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// methods returns the API methods of the calls srv received.
func methods(srv *greenapitest.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		out = append(out, c.Method)
	}
	return out
}

// filepathGlob returns the base names of the files matching pattern.
func filepathGlob(pattern string) ([]string, error) {
	m, err := filepath.Glob(pattern)
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	return m, err
}
