package greenapitest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestKindBuildersHaveTheDocsShape: the messageData of each kind's builder
// has the fields of the docs' example of that type (provider/greenapi's
// testdata), no more and no fewer.
func TestKindBuildersHaveTheDocsShape(t *testing.T) {
	srv := newServer(t)
	in := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	tests := []struct {
		fixture string
		body    []byte
	}{
		{"incoming_edited.json", srv.IncomingEdit(in, "M1", "new")},
		{"incoming_deleted.json", srv.IncomingDeletion(in, "M1")},
		{"incoming_reaction.json", srv.IncomingReaction(in, "M1", "79001234568@c.us", "👍")},
		{"incoming_location.json", srv.IncomingLocation(in, 1.5, 2.5, "Here", "Street 1")},
		{"incoming_poll.json", srv.IncomingPoll(in, "Q", []string{"A", "B"}, false)},
		{"incoming_poll_update.json", srv.IncomingPollVote(in, "P1", "Q", []string{"A", "B"}, []string{"B"})},
		{"incoming_sticker.json", srv.IncomingSticker(in, "s.webp", "image/webp", false, []byte("webp"))},
		{"incoming_interactive_buttons_response.json", srv.IncomingButtonReply(in, "M1", 1, "2", "Second")},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("..", "testdata", tt.fixture))
			require.NoError(t, err)
			assert.Equal(t, messageDataPaths(t, doc), messageDataPaths(t, tt.body))
		})
	}
}

// messageDataPaths returns the paths of every field of a notification's
// messageData ("pollMessageData.votes[].optionName"), sorted.
func messageDataPaths(t *testing.T, body []byte) []string {
	t.Helper()
	var n struct {
		MessageData any `json:"messageData"`
	}
	require.NoError(t, json.Unmarshal(body, &n))
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				out = append(out, p)
				walk(p, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		}
	}
	walk("", n.MessageData)
	slices.Sort(out)
	return slices.Compact(out)
}
