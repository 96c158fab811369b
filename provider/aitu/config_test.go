package aitu_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  aitu.Config
		ok   bool
	}{
		{name: "defaults", cfg: aitu.Config{Token: "t0ken-value"}, ok: true},
		{name: "no token", cfg: aitu.Config{}},
		{name: "blank token", cfg: aitu.Config{Token: "  "}},
		{name: "token with a newline", cfg: aitu.Config{Token: "abc\ndef"}},
		{name: "ftp", cfg: aitu.Config{Token: "t0ken-value", APIURL: "ftp://x/"}},
		{name: "no host", cfg: aitu.Config{Token: "t0ken-value", APIURL: "https:///bot/v1/"}},
		{name: "query", cfg: aitu.Config{Token: "t0ken-value", APIURL: "https://x/bot/v1/?a=b"}},
		{name: "old host, no slash", cfg: aitu.Config{Token: "t0ken-value", APIURL: "https://messapi.btsdapps.net/bot/v1"}, ok: true},
		{name: "unknown region", cfg: aitu.Config{Token: "t0ken-value", DefaultRegion: "XX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := aitu.New(tt.cfg)
			if !tt.ok {
				require.Error(t, err)
				if tt.cfg.DefaultRegion != "" {
					require.ErrorIs(t, err, contactcard.ErrUnknownRegion)
					assert.Contains(t, err.Error(), "aitu: Config.DefaultRegion")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "aitu", c.Name())
			assert.Equal(t, "KZ", c.DefaultRegion())
		})
	}
}

func TestBaseURLGetsASlash(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, func(cfg *aitu.Config) {
		cfg.APIURL = srv.URL[:len(srv.URL)-1]
		cfg.Name = "aitu2"
		cfg.DefaultRegion = "ru"
		cfg.HTTPClient = &http.Client{}
	})
	assert.Equal(t, "aitu2", c.Name())
	assert.Equal(t, "RU", c.DefaultRegion())
	require.NoError(t, c.DeleteWebhook(t.Context()))
	assert.Equal(t, []string{"DELETE webhook/"}, paths(srv))
}
