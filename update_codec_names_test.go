package cardbot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// TestEncodeUpdateKeepsRenamedKeys checks that Message.FromMe and
// Status.Name are stored under their names before v1 ("Outgoing",
// "Status"), so that updates queued before the renames read back the same.
func TestEncodeUpdateKeepsRenamedKeys(t *testing.T) {
	tests := []struct {
		name string
		u    cardbot.Update
		key  string
	}{
		{"Message.FromMe", cardbot.Update{Kind: cardbot.KindMessage, Message: &cardbot.Message{ID: "m1", FromMe: true}}, `"Outgoing":true`},
		{"Status.Name", cardbot.Update{Kind: cardbot.KindStatus, Status: &cardbot.Status{MessageID: "m1", Name: "read"}}, `"Status":"read"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := cardbot.EncodeUpdate(&tt.u)
			require.NoError(t, err)
			assert.Contains(t, string(b), tt.key)
			var got cardbot.Update
			require.NoError(t, cardbot.DecodeUpdate(b, &got))
			assert.Equal(t, tt.u.Message, got.Message)
			assert.Equal(t, tt.u.Status, got.Status)
		})
	}
}
