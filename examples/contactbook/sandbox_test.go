package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/sandbox"
)

// With no credentials the contact book runs in the sandbox, on WhatsApp,
// MAX and Aitu alike: a whole /add, then /export's file.
func TestSandbox(t *testing.T) {
	addr := start(t, nil)

	post := func(t *testing.T, route, body string) []sandbox.Reply {
		t.Helper()
		resp, err := http.Post("http://"+addr+"/sandbox/"+route, "text/plain", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		var replies []sandbox.Reply
		require.NoError(t, json.Unmarshal(data, &replies))
		return replies
	}
	texts := func(rs []sandbox.Reply) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Text)
		}
		return out
	}

	for _, m := range []string{"whatsapp", "max", "aitu"} {
		t.Run(m, func(t *testing.T) {
			assert.Equal(t, []string{"Send me a contact: share one, or a .vcf file. /cancel to stop."}, texts(post(t, m+"/text", "/add")))
			assert.Equal(t, []string{"Which list do they go to?"}, texts(post(t, m+"/vcf", ann+bob)))
			assert.Equal(t, []string{"Saved 2 contact(s) to work."}, texts(post(t, m+"/text", "work")))

			replies := post(t, m+"/text", "/export work")
			require.Len(t, replies, 1)
			d := replies[0].Document
			require.NotNil(t, d, "the list comes as a file")
			assert.Equal(t, "work.vcf", d.Name)
			data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(d.URL, "data:text/vcard;base64,"))
			require.NoError(t, err, d.URL)
			cards, err := contactcard.Parse(strings.NewReader(string(data)))
			require.NoError(t, err)
			require.Len(t, cards, 2)
			assert.Equal(t, "Ann Lee", cards[0].FormattedName)
			assert.Equal(t, "Bob Ray", cards[1].FormattedName)
		})
	}
}
