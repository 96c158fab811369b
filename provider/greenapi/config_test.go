package greenapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  greenapi.Config
		msg  string
	}{
		{"no instance", greenapi.Config{APITokenInstance: "t"}, "IDInstance is empty"},
		{"instance not a number", greenapi.Config{IDInstance: "11a", APITokenInstance: "t"}, "not a number"},
		{"no token", greenapi.Config{IDInstance: "1"}, "APITokenInstance is empty"},
		{"token with a slash", greenapi.Config{IDInstance: "1", APITokenInstance: "a/b"}, "characters a URL path cannot carry"},
		{"token with a space", greenapi.Config{IDInstance: "1", APITokenInstance: "a b"}, "characters a URL path cannot carry"},
		{"URL scheme", greenapi.Config{IDInstance: "1", APITokenInstance: "t", APIURL: "ftp://api.green-api.com"}, "want an http or https URL"},
		{"URL without host", greenapi.Config{IDInstance: "1", APITokenInstance: "t", APIURL: "https://"}, "has no host"},
		{"URL that does not parse", greenapi.Config{IDInstance: "1", APITokenInstance: "t", APIURL: "https://a b\x7f"}, "APIURL"},
		{"URL with a query", greenapi.Config{IDInstance: "1", APITokenInstance: "t", APIURL: "https://a.example?x=1"}, "no query"},
		{"unknown region", greenapi.Config{IDInstance: "1", APITokenInstance: "t", DefaultRegion: "XX"},
			`greenapi: Config.DefaultRegion: contactcard: unknown region: "XX"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := greenapi.New(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "t"})
	require.NoError(t, err)
	assert.Equal(t, "greenapi", c.Name())
	assert.Equal(t, "RU", c.DefaultRegion())
	assert.Equal(t, "1101000001", c.IDInstance())

	c, err = greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: "t", DefaultRegion: "kz", Name: "wa2"})
	require.NoError(t, err)
	assert.Equal(t, "KZ", c.DefaultRegion())
	assert.Equal(t, "wa2", c.Name())
}

func TestPathPrefix(t *testing.T) {
	// MAX's API lives under /v3; the prefix is added once whether it is
	// given apart or already in the URL.
	tests := []struct {
		name   string
		apiURL func(*greenapitest.Server) string
		prefix string
	}{
		{"prefix apart", func(s *greenapitest.Server) string { return s.URL }, "/v3"},
		{"prefix without slash", func(s *greenapitest.Server) string { return s.URL }, "v3/"},
		{"prefix already in the URL", func(s *greenapitest.Server) string { return s.URL + "/v3" }, "/v3"},
		{"prefix only in the URL", func(s *greenapitest.Server) string { return s.URL + "/v3/" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, greenapitest.WithPathPrefix("/v3"))
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.APIURL, cfg.PathPrefix = tt.apiURL(srv), tt.prefix })
			_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: "hi"})
			require.NoError(t, err)
			assert.Len(t, srv.SentMessages(), 1)
		})
	}

	t.Run("a WhatsApp client is refused by a /v3 server", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithPathPrefix("/v3"))
		c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.PathPrefix = "" })
		_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: "hi"})
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 404, ae.StatusCode)
	})
}
