package aitu_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// Ids of the fixtures in testdata.
const (
	userID    = "5a5e7cd3-1b2c-4d5e-8f90-a1b2c3d4e5f6"
	groupID   = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	channelID = "0f9e8d7c-6b5a-4948-8372-615049382716"
	regUserID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	fileID    = "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9"
	messageID = "e31b7c8d-f2af-11ea-ab1a-62e1faec30e1"
)

// newClient returns a client of srv with tiny backoffs and a silent
// logger; mods change the config further.
func newClient(t testing.TB, srv *aitutest.Server, mods ...func(*aitu.Config)) *aitu.Client {
	cfg := srv.Config()
	cfg.MinBackoff, cfg.MaxBackoff, cfg.Logger = apitest.Quick()
	c, err := aitu.New(apitest.Apply(cfg, mods...))
	require.NoError(t, err)
	return c
}

func newServer(t testing.TB, opts ...aitutest.Option) *aitutest.Server {
	return apitest.Closed(t, aitutest.NewServer(opts...))
}

// decoder is a client for decoding only.
func decoder(t testing.TB) *aitu.Client {
	t.Helper()
	c, err := aitu.New(aitu.Config{Token: "51ae2e07-22e6-4460-8929-4aaf082127fa", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return c
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// paths returns "METHOD path" of the calls srv received.
func paths(srv *aitutest.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		out = append(out, c.HTTPMethod+" "+c.Path)
	}
	return out
}

func aitutestIncoming() aitutest.Incoming { return aitutest.Incoming{} }

func batch(updates ...[]byte) []byte { return aitutest.Batch(updates...) }
