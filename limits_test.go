package cardbot_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// greenAPI returns a fake GREEN-API (WhatsApp, or MAX with opts) and a
// client of it.
func greenAPI(t *testing.T, opts ...greenapitest.Option) (*greenapitest.Server, *greenapi.Client) {
	t.Helper()
	srv := apitest.Closed(t, greenapitest.NewServer(opts...))
	cfg := srv.Config()
	cfg.MinBackoff, cfg.MaxBackoff, cfg.Logger = apitest.Quick()
	c, err := greenapi.New(cfg)
	require.NoError(t, err)
	return srv, c
}

// dispatch decodes body with c and dispatches it to b.
func dispatch(t *testing.T, b *cardbot.Bot, c *greenapi.Client, body []byte) error {
	t.Helper()
	ups, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	require.Len(t, ups, 1)
	return b.Dispatch(t.Context(), c, ups[0])
}

// vcard is a card named name with numbers.
func vcard(name string, numbers ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\nVERSION:3.0\nFN:" + name + "\n")
	for _, n := range numbers {
		b.WriteString("TEL:" + n + "\n")
	}
	b.WriteString("END:VCARD\n")
	return b.String()
}

// manyNumbers returns n valid Russian mobile numbers.
func manyNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+7 900 %07d", i)
	}
	return out
}

func arrayOf(n, phonesEach int) []greenapitest.ArrayContact {
	out := make([]greenapitest.ArrayContact, n)
	for i := range out {
		ph := make([]string, phonesEach)
		for j := range ph {
			ph[j] = fmt.Sprintf("+7 901 %03d %04d", i, j)
		}
		out[i] = greenapitest.ArrayContact{DisplayName: fmt.Sprint("P", i), VCard: vcard(fmt.Sprint("P", i), ph...)}
	}
	return out
}

func TestContactsBoundedPerMessage(t *testing.T) {
	user := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	var docCards strings.Builder
	for i := range 120 {
		docCards.WriteString(vcard(fmt.Sprint("D", i), fmt.Sprintf("+7 902 %07d", i)))
	}
	tests := []struct {
		name   string
		limits cardbot.Limits
		body   func(*greenapitest.Server) []byte
		want   *cardbot.ContactsLimitError // nil: nothing left out
		phones []int                       // numbers read per card returned
	}{
		{"a contacts array of 2000", cardbot.Limits{},
			func(s *greenapitest.Server) []byte { return s.IncomingContactsArray(user, arrayOf(2000, 1)) },
			&cardbot.ContactsLimitError{Cards: 50, CardsLeftOut: 1950}, nil},
		{"a card of 15 000 numbers", cardbot.Limits{},
			func(s *greenapitest.Server) []byte {
				return s.IncomingContact(user, "Big", vcard("Big", manyNumbers(15000)...))
			},
			&cardbot.ContactsLimitError{Cards: 1, PhonesLeftOut: 14500}, []int{500}},
		{"a .vcf of 120 cards", cardbot.Limits{},
			func(s *greenapitest.Server) []byte {
				return s.IncomingDocument(user, "all.vcf", "text/x-vcard", []byte(docCards.String()))
			},
			&cardbot.ContactsLimitError{Cards: 50, CardsLeftOut: 70}, nil},
		{"the numbers bound ends the reading", cardbot.Limits{MaxCards: 3, MaxPhones: 5},
			func(s *greenapitest.Server) []byte { return s.IncomingContactsArray(user, arrayOf(4, 2)) },
			&cardbot.ContactsLimitError{Cards: 3, CardsLeftOut: 1, PhonesLeftOut: 1}, []int{2, 2, 1}},
		{"within the bounds", cardbot.Limits{MaxCards: 4, MaxPhones: 8},
			func(s *greenapitest.Server) []byte { return s.IncomingContactsArray(user, arrayOf(4, 2)) },
			nil, []int{2, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := greenAPI(t)
			b := newBot(cardbot.WithLimits(tt.limits))
			var cards []contactcard.Card
			var err error
			b.Handle(cardbot.OnContact, func(ctx *cardbot.Context) error {
				cards, err = ctx.Contacts()
				for _, card := range cards {
					if serr := ctx.SendContact(card); serr != nil {
						return serr
					}
				}
				return nil
			})
			start := time.Now()
			require.NoError(t, dispatch(t, b, c, tt.body(srv)))
			assert.Less(t, time.Since(start), 10*time.Second)
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, cardbot.ErrTooManyContacts)
				var le *cardbot.ContactsLimitError
				require.ErrorAs(t, err, &le)
				tt.want.Limits = le.Limits
				assert.Equal(t, *tt.want, *le)
				assert.Contains(t, err.Error(), "cardbot: too many contacts in one message: ")
			}
			wantCards := len(tt.phones)
			if tt.want != nil {
				wantCards = tt.want.Cards
			}
			require.Len(t, cards, wantCards)
			assert.Len(t, srv.SentMessages(), wantCards, "one send per card read")
			for i, want := range tt.phones {
				read, limited := 0, 0
				for _, p := range cards[i].Phones {
					if errors.Is(p.Err, contactcard.ErrPhoneLimit) {
						limited++
					} else {
						read++
					}
				}
				assert.Equal(t, want, read, "card %d", i)
				if tt.want != nil && i == len(tt.phones)-1 {
					assert.Equal(t, tt.want.PhonesLeftOut, limited, "the numbers past the bound keep their Raw")
				}
			}
		})
	}
}

func TestSendsBoundedPerUpdate(t *testing.T) {
	srv, c := greenAPI(t)
	b := newBot(cardbot.WithLimits(cardbot.Limits{MaxSends: 3}))
	var errs []error
	b.Handle(cardbot.OnText, func(ctx *cardbot.Context) error {
		for i := range 5 {
			errs = append(errs, ctx.Send(fmt.Sprint("answer ", i)))
		}
		return nil
	})
	require.NoError(t, dispatch(t, b, c, srv.IncomingText(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "hi")))
	require.Len(t, errs, 5)
	for _, err := range errs[:3] {
		assert.NoError(t, err)
	}
	for _, err := range errs[3:] {
		require.ErrorIs(t, err, cardbot.ErrTooManySends)
		assert.False(t, cardbot.IsRetryable(err))
		assert.Contains(t, err.Error(), "the limit is 3")
	}
	assert.Len(t, srv.Calls(), 3, "no request past the bound")

	// Another update has its own count.
	errs = nil
	require.NoError(t, dispatch(t, b, c, srv.IncomingText(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "again")))
	assert.NoError(t, errs[0])
	assert.Len(t, srv.Calls(), 6)
}

func TestDefaultLimits(t *testing.T) {
	c := cardbot.NewContext(t.Context(), nil, newFake("alpha"), &cardbot.Update{Chat: cardbot.Chat{ID: "c"}})
	for range cardbot.DefaultMaxSends {
		require.NoError(t, c.Send("x"))
	}
	require.ErrorIs(t, c.Send("x"), cardbot.ErrTooManySends)
}
