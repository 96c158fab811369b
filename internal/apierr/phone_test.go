package apierr_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apierr"
)

func TestUsablePhone(t *testing.T) {
	errKind := errors.New("p: invalid")
	refused, _ := apierr.Refusals("p", errKind)
	phoneErr := &contactcard.PhoneError{Raw: "+65 6123 4567", Digits: "6561234567"}
	tests := []struct {
		name    string
		card    contactcard.Card
		want    string
		wantErr string
		cause   error
	}{
		{"international digits", contactcard.Card{Phones: []contactcard.Phone{{Number: "79261112233"}}}, "79261112233", "", nil},
		{"with a plus", contactcard.Card{Phones: []contactcard.Phone{{Number: "+77011234567"}}}, "77011234567", "", nil},
		{"preferred first", contactcard.Card{Phones: []contactcard.Phone{{Number: "79261112233"}, {Number: "79261112244", Preferred: true}}}, "79261112244", "", nil},
		{"a number that did not normalize", contactcard.Card{FormattedName: "Tan Wei", Phones: []contactcard.Phone{{Raw: "+65 6123 4567", Err: phoneErr}}},
			"", `p: send: contact "Tan Wei": ` + cardbot.ErrNoUsableNumber.Error() + ": " + phoneErr.Error(), phoneErr},
		{"no phone", contactcard.Card{FormattedName: "Ann"}, "", `p: send: contact "Ann": ` + cardbot.ErrNoUsableNumber.Error() + ": it has no phone", nil},
		{"not digits", contactcard.Card{Phones: []contactcard.Phone{{Number: "7926-111"}}}, "", `p: send: number "7926-111" is not international digits`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apierr.UsablePhone(tt.card, "send", refused)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			require.EqualError(t, err, tt.wantErr)
			assert.ErrorIs(t, err, errKind)
			assert.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
			if tt.cause != nil {
				assert.ErrorIs(t, err, tt.cause)
			}
		})
	}
}
