package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// Oversized messages (issue #21): each is answered at once, within the
// bot's bounds, with a short summary of what was left out; the webhook is
// answered 200, so GREEN-API delivers nothing again and nothing is sent
// twice.
func TestOversizedMessages(t *testing.T) {
	t.Parallel() // each subtest has a bot and fake of its own
	user := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	card := func(name string, n int, number func(int) string) string {
		var b strings.Builder
		b.WriteString("BEGIN:VCARD\nVERSION:3.0\nFN:" + name + "\n")
		for i := range n {
			b.WriteString("TEL:" + number(i) + "\n")
		}
		return b.String() + "END:VCARD\n"
	}
	valid := func(i int) string { return fmt.Sprintf("+7 900 %07d", i) }
	invalid := func(i int) string { return fmt.Sprintf("1%04d", i%10000) }
	reasons := make([]string, 10)
	for i := range reasons {
		reasons[i] = fmt.Sprintf("%q: ", invalid(i))
	}

	tests := []struct {
		name     string
		body     func(*greenapitest.Server) []byte
		delay    time.Duration // of each API answer: a real API takes time
		contacts int           // contacts sent back
		texts    []string      // each text contains its string
	}{
		{
			name: "a contacts array of 2000",
			body: func(f *greenapitest.Server) []byte {
				contacts := make([]greenapitest.ArrayContact, 2000)
				for i := range contacts {
					contacts[i] = greenapitest.ArrayContact{DisplayName: fmt.Sprint("P", i), VCard: card(fmt.Sprint("P", i), 1, func(int) string { return valid(i) })}
				}
				return f.IncomingContactsArray(user, contacts)
			},
			// 2000 sends of 20 ms outlast a sync webhook; 51 do not.
			delay:    20 * time.Millisecond,
			contacts: 50,
			texts:    []string{"You sent me more contacts than I handle at once: I answered the first 50, and left out 1 950 more."},
		},
		{
			name:     "a card of 15 000 numbers",
			body:     func(f *greenapitest.Server) []byte { return f.IncomingContact(user, "Big", card("Big", 15000, valid)) },
			contacts: 1,
			texts:    []string{"I read only the first 500 phone numbers; 14 500 more numbers were left out."},
		},
		{
			name: "a card of 40 000 invalid numbers",
			body: func(f *greenapitest.Server) []byte {
				return f.IncomingContact(user, "Bad", card("Bad", 40000, invalid))
			},
			contacts: 0,
			texts: []string{`I cannot send the contact "Bad": ` + reasons[0],
				"; and 39 990 more numbers could not be read.",
				"I read only the first 500 phone numbers; 39 500 more numbers were left out."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
			t.Cleanup(fake.Close)
			base := start(t, map[string]string{
				"GREENAPI_API_URL":            fake.URL,
				"GREENAPI_ID_INSTANCE":        fake.IDInstance,
				"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
				"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
			})
			body := tt.body(fake)
			fake.SetDelay(tt.delay)
			t0 := time.Now()
			statuses, err := fake.Push(context.Background(), base+"/webhook/greenapi", body)
			took := time.Since(t0)
			require.NoError(t, err)
			assert.Equal(t, []int{http.StatusOK}, statuses, "answered once: nothing to deliver again")
			assert.Less(t, took, 15*time.Second, "answered well within GREEN-API's patience")
			t.Logf("%d KB answered in %s", len(body)/1024, took)

			sent := greenapiReplies(fake)
			assert.Len(t, cardsOf(sent), tt.contacts)
			texts := strings.Join(textsOf(sent), "\n")
			for _, want := range tt.texts {
				assert.Contains(t, texts, want)
			}
			for _, text := range textsOf(sent) {
				assert.LessOrEqual(t, utf8.RuneCountInString(text), 4000, "every answer fits the smallest limit")
			}
			assert.LessOrEqual(t, len(fake.Calls()), 51, "bounded sends, none repeated")
		})
	}
}
