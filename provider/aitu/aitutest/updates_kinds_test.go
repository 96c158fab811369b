package aitutest_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// TestKindBuildersHaveTheDocsShape: each update a builder returns has the
// fields of the docs' example of its type (provider/aitu's testdata), and
// names the dialog it was built for.
func TestKindBuildersHaveTheDocsShape(t *testing.T) {
	srv := newServer(t)
	chat := aitu.ChatID(aitu.PeerGroup, aitutest.NewUUID())
	in := aitutest.Incoming{ChatID: chat}
	tests := []struct {
		fixture string
		body    []byte
	}{
		{"message_edited.json", srv.IncomingEdit(in, "edited")},
		{"quick_button_selected.json", srv.IncomingQuickButton(in, "some_metadata")},
		{"inline_command_selected.json", srv.IncomingInlineCommand(in, "some_metadata", "some_content")},
		{"form_submitted.json", srv.IncomingFormSubmitted(in, "form1", "metadata_string", "more_metadata_string")},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("..", "testdata", tt.fixture))
			require.NoError(t, err)
			var batch struct {
				Updates []map[string]json.RawMessage `json:"updates"`
			}
			require.NoError(t, json.Unmarshal(doc, &batch))
			require.Len(t, batch.Updates, 1)
			var got map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(tt.body, &got))
			assert.Equal(t, slices.Sorted(maps.Keys(batch.Updates[0])), slices.Sorted(maps.Keys(got)))
			assert.JSONEq(t, string(batch.Updates[0]["type"]), string(got["type"]))

			var dialog aitu.Peer
			require.NoError(t, json.Unmarshal(got["dialog"], &dialog))
			assert.Equal(t, chat, aitu.ChatID(dialog.Type, dialog.ID))
		})
	}
}
