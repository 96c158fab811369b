package apiclient_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apiclient"
)

func TestSettingsFilled(t *testing.T) {
	own := &http.Client{Timeout: time.Second}
	tests := []struct {
		name string
		in   apiclient.Settings
		want apiclient.Settings // HTTPClient and Logger are checked apart
	}{
		{"zero", apiclient.Settings{}, apiclient.Settings{DownloadTimeout: apiclient.DefaultDownloadTimeout,
			MaxRetries: apiclient.DefaultMaxRetries, MinBackoff: apiclient.DefaultMinBackoff, MaxBackoff: apiclient.DefaultMaxBackoff}},
		{"set", apiclient.Settings{HTTPClient: own, DownloadTimeout: time.Second, MaxRetries: -1, MinBackoff: 2 * time.Second, MaxBackoff: time.Second, RetrySends: true},
			apiclient.Settings{DownloadTimeout: time.Second, MaxRetries: 0, MinBackoff: 2 * time.Second, MaxBackoff: 2 * time.Second, RetrySends: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Filled()
			require.NotNil(t, got.HTTPClient)
			require.NotNil(t, got.HTTPClient.CheckRedirect, "follows no redirect")
			assert.NotSame(t, own, got.HTTPClient, "a copy")
			assert.Nil(t, own.CheckRedirect, "the caller's client is not changed")
			assert.NotNil(t, got.Logger)
			got.HTTPClient, got.Logger = nil, nil
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCheckBaseURL(t *testing.T) {
	tests := []struct {
		raw, want string // want: what the error says, "" for none
	}{
		{"https://api.example.test/v1/", ""},
		{"ftp://api.example.test", "want an http or https URL"},
		{"https://", "has no host"},
		{"https://u:secret-pass@api.example.test/", "a base URL takes no query, fragment or user info"},
		{"https://api.example.test/?a=b", "a base URL takes no query, fragment or user info"},
		{"http://[::1", "Config.F: parse"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := apiclient.CheckBaseURL("p", "F", tt.raw)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "p: Config.F"), err.Error())
			assert.NotContains(t, err.Error(), "secret-pass")
		})
	}
}

func TestRegion(t *testing.T) {
	tests := []struct {
		name, region, want, err string
	}{
		{"the default", "", "KZ", ""},
		{"in upper case", "ru", "RU", ""},
		{"unknown", "xx", "XX", `test: Config.DefaultRegion: contactcard: unknown region: "XX"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apiclient.Region("test", tt.region, "KZ")
			assert.Equal(t, tt.want, got)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.err)
		})
	}
}

func TestRedactError(t *testing.T) {
	assert.NoError(t, apiclient.RedactError(nil, "secret-token"))
	plain := errors.New("nothing secret")
	assert.Same(t, plain, apiclient.RedactError(plain, "secret-token", "x"))
	got := apiclient.RedactError(errors.New(`bad URL "https://h/secret-token"`), "short", "secret-token")
	assert.EqualError(t, got, `bad URL "https://h/`+apiclient.Redacted+`"`)
}
