package aitu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// TestDecodeTypedNeedsADialog: an edit, a button press or a form's answer
// without its dialog has no chat to answer in: it stays KindOther, raw,
// and costs the batch nothing.
func TestDecodeTypedNeedsADialog(t *testing.T) {
	for _, typ := range []string{"MessageEdited", "QuickButtonSelected", "InlineCommandSelected", "FormSubmitted", "FormClosed", "FormMessageSent"} {
		t.Run(typ, func(t *testing.T) {
			body := `{"updates":[{"updateId":"u1","type":"` + typ + `","messageId":"m","metadata":"x","formId":"f","content":"c"},` +
				`{"updateId":"u2","type":"` + typ + `","metadata":"x","formId":"f","content":"c","dialog":{"type":"USER","id":"` + userID + `"}}]}`
			got, err := decoder(t).DecodeWebhook([]byte(body))
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, cardbot.KindOther, got[0].Kind)
			assert.Nil(t, got[0].Message)
			assert.NotEqual(t, cardbot.KindOther, got[1].Kind)
			require.NotNil(t, got[1].Message)
			assert.Equal(t, typ, got[1].Message.Type)
		})
	}
}
