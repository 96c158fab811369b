package greenapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi"
)

func TestVerifyWebhook(t *testing.T) {
	const token = "whk-7f3a9c2e51"
	tests := []struct {
		name   string
		token  string // configured
		header string // Authorization; "-" for none
		ok     bool
	}{
		{"right token", token, "Bearer " + token, true},
		{"scheme in any case", token, "bearer " + token, true},
		{"wrong token", token, "Bearer whk-7f3a9c2e52", false},
		{"token prefix", token, "Bearer whk-7f3a9c", false},
		{"token with more", token, "Bearer " + token + "0", false},
		{"bare token", token, token, false},
		{"other scheme", token, "Basic " + token, false},
		{"empty bearer", token, "Bearer ", false},
		{"missing header", token, "-", false},
		{"no token configured, no header", "", "-", true},
		{"no token configured, any header", "", "Bearer whatever", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: "api", WebhookToken: tt.token})
			require.NoError(t, err)
			r := httptest.NewRequest(http.MethodPost, "/webhook/greenapi", strings.NewReader(`{}`))
			if tt.header != "-" {
				r.Header.Set("Authorization", tt.header)
			}
			err = c.VerifyWebhook(r)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, greenapi.ErrWebhookAuth)
			var we *greenapi.WebhookAuthError
			assert.ErrorAs(t, err, &we)
			assert.NotContains(t, err.Error(), "whk-", "no token in the error")
		})
	}
}
