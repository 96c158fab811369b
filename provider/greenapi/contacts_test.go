package greenapi_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// sentContactIDs returns the contact chat ids of the sendContacts srv took.
func sentContactIDs(srv *greenapitest.Server) []string {
	var ids []string
	for _, m := range srv.SentMessages() {
		if m.Contact != nil {
			ids = append(ids, m.Contact.ChatID)
		}
	}
	return ids
}

// Any number the contact base holds is shared, whatever its country:
// checkAccount's limit to +7 and +375 does not apply to sendContact.
func TestMAXSendContactAnyCountry(t *testing.T) {
	tests := []struct{ name, number, chatID string }{
		{"Russia", "79001234568", "10000001"},
		{"Belarus", "375291234567", "10000002"},
		{"Kazakhstan", "77011234567", "10000003"},
		{"Uzbekistan", "998901234567", "10000004"},
		{"United Kingdom", "447911123456", "10000005"},
	}
	srv, c := newMAX(t)
	for _, tt := range tests {
		srv.AddMAXContact(tt.number, tt.chatID, tt.name)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard(tt.number)})
			require.NoError(t, err)
			assert.Equal(t, []string{tt.chatID}, sentContactIDs(srv))
			assert.Zero(t, srv.CheckAccountCalls())
		})
	}
}

func TestMAXSendContactFromContactBase(t *testing.T) {
	srv, c := newMAX(t)
	srv.AddMAXContact("79001234568", "10000001", "Pyotr")
	srv.AddMAXContact("375291234567", "10000002", "Oleg")

	for _, n := range []string{"79001234568", "79001234568", "375291234567"} {
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard(n)})
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"getContacts", "sendContact", "sendContact", "sendContact"}, methods(srv),
		"the base is read once, then answered from the copy")
	assert.Equal(t, []string{"10000001", "10000001", "10000002"}, sentContactIDs(srv))
	assert.Empty(t, srv.Calls()[0].Body, "getContacts is a GET without a body")
	assert.Zero(t, srv.CheckAccountCalls())
}

func TestMAXSendContactNotInContacts(t *testing.T) {
	srv, c := newMAX(t)
	srv.AddMAXAccount("79001234569", "10000009") // on MAX, but not in the base
	tests := []struct {
		name string
		card contactcard.Card
		want greenapi.NotOnMAXError
		msg  string
	}{
		{"by number", maxCard("79001234569"), greenapi.NotOnMAXError{Number: "79001234569", NotInContacts: true},
			`contact "Pyotr": greenapi: number +79001234569 is not in the MAX instance's contacts (getContacts)`},
		{"by a MAX chat id only", contactcard.Card{FormattedName: "Anna", Accounts: map[string]string{contactcard.MessengerMAX: "10000003"}},
			greenapi.NotOnMAXError{ChatID: "10000003", NotInContacts: true}, "MAX chat id 10000003 is not in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: tt.card})
				require.Error(t, err)
				assert.ErrorIs(t, err, greenapi.ErrNotOnMAX)
				assert.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
				assert.NotErrorIs(t, err, greenapi.ErrValidation)
				var ne *greenapi.NotOnMAXError
				require.ErrorAs(t, err, &ne)
				assert.Equal(t, tt.want, *ne)
				assert.Contains(t, err.Error(), tt.msg)
				assert.False(t, cardbot.IsRetryable(err))
			}
		})
	}
	assert.Equal(t, []string{"getContacts", "getContacts"}, methods(srv), "read once (an empty answer twice); no addContact, no send")
	assert.Empty(t, srv.SentMessages())
}

func TestMAXAddContact(t *testing.T) {
	add := func(cfg *greenapi.Config) { cfg.MAXContacts.Add = true }

	t.Run("a number on MAX is added, then shared", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		srv.AddMAXAccount("77011234567", "10000007")
		c := newClient(t, srv, add)
		card := contactcard.Card{FormattedName: "Aigerim Nur", FirstName: "Aigerim", LastName: "Nur",
			Phones: []contactcard.Phone{{Number: "77011234567"}}}
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: card})
		require.NoError(t, err)
		assert.Equal(t, []string{"getContacts", "getContacts", "addContact", "getContacts", "sendContact"}, methods(srv),
			"an empty base is asked again, as GREEN-API says")
		assert.JSONEq(t, `{"chatId":"77011234567@c.us","firstName":"Aigerim","lastName":"Nur"}`, string(srv.Calls()[2].Body))
		assert.Equal(t, []string{"10000007"}, sentContactIDs(srv))

		_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: card})
		require.NoError(t, err)
		assert.Equal(t, 1, srv.AddContactCalls(), "found in the base the second time")
	})
	t.Run("the first name falls back to the card's name, then its number", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		srv.AddMAXAccount("79001234568", "10000001")
		srv.AddMAXAccount("79001234567", "10000002")
		c := newClient(t, srv, add)
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: contactcard.Card{FormattedName: "Dr. Who",
			Phones: []contactcard.Phone{{Number: "79001234568"}}}})
		require.NoError(t, err)
		_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: contactcard.Card{Phones: []contactcard.Phone{{Number: "79001234567"}}}})
		require.NoError(t, err)
		var bodies []string
		for _, call := range srv.Calls() {
			if call.Method == "addContact" {
				bodies = append(bodies, string(call.Body))
			}
		}
		require.Len(t, bodies, 2)
		assert.JSONEq(t, `{"chatId":"79001234568@c.us","firstName":"Dr. Who"}`, bodies[0])
		assert.JSONEq(t, `{"chatId":"79001234567@c.us","firstName":"+79001234567"}`, bodies[1])
	})
	t.Run("a number not on MAX fails, and is not tried again soon", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		c := newClient(t, srv, add)
		for range 2 {
			_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("447911123456")})
			var ne *greenapi.NotOnMAXError
			require.ErrorAs(t, err, &ne)
			assert.Equal(t, greenapi.NotOnMAXError{Number: "447911123456"}, *ne)
			assert.Contains(t, err.Error(), "greenapi: number +447911123456 has no MAX account")
			assert.False(t, cardbot.IsRetryable(err))
		}
		assert.Equal(t, 1, srv.AddContactCalls())
		assert.Empty(t, srv.SentMessages())
	})
	t.Run("added but not listed yet: retryable", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		srv.AddMAXAccount("79001234568", "10000001")
		c := newClient(t, srv, add)
		// The first read (empty, asked again), the addContact, then a read
		// that does not show the new contact yet.
		srv.FailNextWith(2, greenapitest.Failure{Status: 200, Body: `[]`})
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"addContact":true}`})
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `[{"chatId":"10000009","type":"user","phoneNumber":79001234569}]`})
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.ErrorIs(t, err, greenapi.ErrContactPending)
		assert.ErrorIs(t, err, greenapi.ErrTransient)
		assert.True(t, cardbot.IsRetryable(err))
		assert.Contains(t, err.Error(), "+79001234568")
		assert.Empty(t, srv.SentMessages())
	})
	t.Run("addContact not true", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		c := newClient(t, srv, add)
		srv.FailNextWith(2, greenapitest.Failure{Status: 200, Body: `[]`})
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"addContact":false,"message":"try later"}`})
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "addContact", ae.Method)
		assert.Contains(t, ae.Message, "try later")
	})
	t.Run("another 404 is no answer about the number", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		c := newClient(t, srv, add)
		srv.FailNextWith(2, greenapitest.Failure{Status: 200, Body: `[]`})
		srv.FailNextWith(1, greenapitest.Failure{Status: 404, Body: "Not Found"})
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.Error(t, err)
		assert.NotErrorIs(t, err, greenapi.ErrNotOnMAX)
	})
}

func TestMAXContactBaseRefresh(t *testing.T) {
	srv := newServer(t, greenapitest.WithMAX())
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.MAXContacts.TTL, cfg.MAXContacts.Refresh = 10*time.Minute, time.Minute
	})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	greenapi.SetContactsClock(c, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	send := func(number string) error {
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard(number)})
		return err
	}

	srv.AddMAXContact("79001234561", "10000001", "A")
	require.NoError(t, send("79001234561"))
	// A contact added to the base meanwhile is not seen before Refresh…
	srv.AddMAXContact("79001234562", "10000002", "B")
	advance(59 * time.Second)
	require.ErrorIs(t, send("79001234562"), greenapi.ErrNotOnMAX)
	assert.Equal(t, 1, srv.GetContactsCalls())
	// …and is, once a miss may read the base again.
	advance(time.Second)
	require.NoError(t, send("79001234562"))
	assert.Equal(t, 2, srv.GetContactsCalls())
	// Hits use the copy until it is TTL old.
	advance(10*time.Minute - time.Second)
	require.NoError(t, send("79001234561"))
	assert.Equal(t, 2, srv.GetContactsCalls())
	advance(time.Second)
	require.NoError(t, send("79001234561"))
	assert.Equal(t, 3, srv.GetContactsCalls())
}

func TestMAXContactBaseBounded(t *testing.T) {
	srv := newServer(t, greenapitest.WithMAX())
	c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.MAXContacts.CacheSize = 2 })
	for i, n := range []string{"79001234561", "79001234562", "79001234563"} {
		srv.AddMAXContact(n, "1000000"+string(rune('1'+i)), "")
	}
	// The copy keeps two of the three contacts listed: the last ones.
	_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234563")})
	require.NoError(t, err)
	_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234562")})
	require.NoError(t, err)
	_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234561")})
	require.ErrorIs(t, err, greenapi.ErrNotOnMAX)
	assert.Equal(t, 1, srv.GetContactsCalls())
}

func TestMAXContactBaseConcurrent(t *testing.T) {
	srv, c := newMAX(t)
	srv.AddMAXContact("79001234568", "10000001", "Pyotr")
	srv.SetDelay(50 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		})
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, 1, srv.GetContactsCalls(), "concurrent sends share one read of the base")
	assert.Len(t, srv.SentMessages(), len(errs))
}

func TestMAXContactBaseFailures(t *testing.T) {
	t.Run("a failed read is not kept", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXContact("79001234568", "10000001", "Pyotr")
		srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"message":"bad request data"}`})
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.ErrorIs(t, err, greenapi.ErrValidation)
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "getContacts", ae.Method)
		_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.NoError(t, err)
		assert.Equal(t, []string{"getContacts", "getContacts", "sendContact"}, methods(srv))
	})
	t.Run("transient failures are retried, then retryable", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXContact("79001234568", "10000001", "Pyotr")
		srv.FailNext(2, 502, 0)
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.NoError(t, err)
		srv.FailNext(10, 503, 0)
		_, err = c.CheckAccount(t.Context(), "79001234568")
		require.ErrorIs(t, err, greenapi.ErrTransient)
		assert.True(t, cardbot.IsRetryable(err))
	})
	t.Run("an empty answer is asked again", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXContact("79001234568", "10000001", "Pyotr")
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `[]`})
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.NoError(t, err)
		assert.Equal(t, []string{"getContacts", "getContacts", "sendContact"}, methods(srv))
	})
	t.Run("groups and malformed entries are skipped", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `[{"chatId":"-10000000000000","type":"group","phoneNumber":0},` +
			`{"chatId":"x1","type":"user","phoneNumber":79001234567},{"chatId":10000001,"type":"user","phoneNumber":"79001234568"}]`})
		srv.AddMAXContact("79001234568", "10000001", "Pyotr")
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
		require.NoError(t, err, "numbers and chat ids as strings or numbers")
		_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234567")})
		require.ErrorIs(t, err, greenapi.ErrNotOnMAX)
	})
}

func TestMAXSendContactAsFile(t *testing.T) {
	tests := []struct {
		name string
		add  bool
		card contactcard.Card
		file string
	}{
		{"not in the base", false, contactcard.Card{FormattedName: "Pyotr / Work", FirstName: "Pyotr",
			Phones: []contactcard.Phone{{Raw: "+44 7911 123456", Number: "447911123456"}}}, "Pyotr  Work.vcf"},
		{"not on MAX", true, contactcard.Card{FormattedName: "Анна", Phones: []contactcard.Phone{{Number: "79001234569"}}}, "Анна.vcf"},
		{"no name", false, contactcard.Card{Phones: []contactcard.Phone{{Number: "79001234569"}}}, "contact.vcf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, greenapitest.WithMAX())
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.MAXContacts.AsFile, cfg.MAXContacts.Add = true, tt.add })
			sent, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: tt.card})
			require.NoError(t, err)
			files := srv.SentFiles()
			require.Len(t, files, 1)
			assert.Equal(t, sent.ID, files[0].ID)
			assert.Equal(t, "10000000", files[0].ChatID)
			f := files[0].File
			assert.Equal(t, tt.file, f.Name)
			cards, err := contactcard.Parse(strings.NewReader(string(f.Data)))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, tt.card.Phones[0].Number, cards[0].Phones[0].Number)
		})
	}
	t.Run("a card without a usable number still fails", func(t *testing.T) {
		srv := newServer(t, greenapitest.WithMAX())
		c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.MAXContacts.AsFile = true })
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: contactcard.Card{FormattedName: "Nobody"}})
		require.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
		assert.Empty(t, srv.Calls())
	})
}
