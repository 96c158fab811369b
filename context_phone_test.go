package cardbot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// TestContextPhone pins that a typed number is read with the update's
// region and the sender's own number as a hint, and refused with
// contactcard's typed errors.
func TestContextPhone(t *testing.T) {
	for _, tc := range []struct {
		name     string
		botReg   string
		provider string
		sender   string // the sender's own number, as the provider gives it
		raw      string
		want     string
		from     contactcard.Evidence
		err      error
	}{
		{"national, default region", "", "", "", "8 (900) 765-43-21", "79007654321", contactcard.EvidenceDefault, nil},
		{"the bot's region", "KZ", "", "", "8 (701) 123-45-67", "77011234567", contactcard.EvidenceDefault, nil},
		{"the provider's region wins", "RU", "GB", "", "07911 123456", "447911123456", contactcard.EvidenceDefault, nil},
		{"a foreign way of writing is refused", "", "", "", "416-555-0123", "", contactcard.EvidenceNone, contactcard.ErrAmbiguousPhone},
		{"a Canadian sender's number is the hint", "", "", "14165550100", "416-555-0123", "14165550123", contactcard.EvidenceHint, nil},
		{"with +", "", "", "", "+44 7911 123456", "447911123456", contactcard.EvidenceNumber, nil},
		{"too short for the providers", "", "", "", "+65 6123 4567", "", contactcard.EvidenceNone, contactcard.ErrPhoneLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake("fake")
			p.SetRegion(tc.provider)
			u := textUpdate("chat1", tc.raw)
			u.Sender.Phone = tc.sender
			var opts []cardbot.Option
			if tc.botReg != "" {
				opts = append(opts, cardbot.WithDefaultRegion(tc.botReg))
			}
			c := cardbot.NewContext(t.Context(), newBot(opts...), p, &u)
			ph := c.Phone(c.Text())
			assert.Equal(t, tc.raw, ph.Raw)
			if tc.err != nil {
				require.ErrorIs(t, ph.Err, tc.err)
				assert.Empty(t, ph.Number)
				return
			}
			require.NoError(t, ph.Err)
			assert.Equal(t, tc.want, ph.Number)
			assert.Equal(t, tc.from, ph.RegionFrom)
		})
	}
}

func TestBotDefaultRegion(t *testing.T) {
	assert.Equal(t, contactcard.DefaultRegion, cardbot.New().DefaultRegion())
	assert.Equal(t, "KZ", cardbot.New(cardbot.WithDefaultRegion("kz")).DefaultRegion())
}
