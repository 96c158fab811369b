package greenapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// newClient returns a client of srv with tiny backoffs and a silent
// logger; mods change the config further.
func newClient(t testing.TB, srv *greenapitest.Server, mods ...func(*greenapi.Config)) *greenapi.Client {
	cfg := srv.Config()
	cfg.MinBackoff, cfg.MaxBackoff, cfg.Logger = apitest.Quick()
	c, err := greenapi.New(apitest.Apply(cfg, mods...))
	require.NoError(t, err)
	return c
}

func newServer(t testing.TB, opts ...greenapitest.Option) *greenapitest.Server {
	return apitest.Closed(t, greenapitest.NewServer(opts...))
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

// fixtureTest is a docs' example notification in testdata and the one
// update it decodes to (Raw and Provider aside).
type fixtureTest struct {
	file string
	want cardbot.Update
}

// decodesTo checks, in a subtest per file, that d decodes each fixture to
// its one update, from provider, with the body kept as its Raw.
func decodesTo(t *testing.T, d interface {
	DecodeWebhook([]byte) ([]cardbot.Update, error)
}, provider string, tests []fixtureTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			got, err := d.DecodeWebhook(body)
			require.NoError(t, err)
			require.Len(t, got, 1)
			u := got[0]
			assert.JSONEq(t, string(body), string(u.Raw), "Raw keeps the body")
			u.Raw = nil
			tt.want.Provider = provider
			assert.Equal(t, tt.want, u)
		})
	}
}
