package cardbot_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

const annVCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nTEL;TYPE=CELL:+7 900 123-45-67\r\nEND:VCARD\r\n"
const bobVCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nTEL:8 (900) 765-43-21\r\nEND:VCARD\r\n"

func TestContextAccessors(t *testing.T) {
	u := textUpdate("chat1", "hello")
	p := newFake("fake")
	b := newBot()
	c := cardbot.NewContext(t.Context(), b, p, &u)
	assert.Equal(t, "hello", c.Text())
	assert.Equal(t, "chat1", c.Chat().ID)
	assert.Equal(t, "Ann", c.Sender().Name)
	assert.Same(t, u.Message, c.Message())
	assert.Same(t, &u, c.Update())
	assert.Equal(t, p, c.Provider())
	assert.Same(t, b, c.Bot())
	assert.Nil(t, c.Args())
	assert.Empty(t, c.Payload())

	assert.Nil(t, c.Get("k"))
	c.Set("k", 42)
	assert.Equal(t, 42, c.Get("k"))

	type key struct{}
	c.SetContext(context.WithValue(t.Context(), key{}, "v"))
	assert.Equal(t, "v", c.Context().Value(key{}))
	var nilCtx context.Context
	assert.Panics(t, func() { c.SetContext(nilCtx) })

	empty := cardbot.NewContext(nilCtx, nil, nil, nil)
	assert.Empty(t, empty.Text())
	assert.NotNil(t, empty.Context())
	assert.Error(t, empty.Send("x"))
}

func TestSendAndReply(t *testing.T) {
	p := newFake("fake")
	u := textUpdate("chat1", "hi")
	c := cardbot.NewContext(t.Context(), nil, p, &u)
	require.NoError(t, c.Send("one"))
	require.NoError(t, c.Reply("two"))
	sm, err := c.SendOutgoing(cardbot.Text{Body: "three"})
	require.NoError(t, err)
	assert.Equal(t, "sent-chat1", sm.ID)
	assert.Equal(t, []sentMsg{
		{Chat: "chat1", Out: cardbot.Text{Body: "one"}},
		{Chat: "chat1", Out: cardbot.Text{Body: "two", ReplyTo: "m-hi"}},
		{Chat: "chat1", Out: cardbot.Text{Body: "three"}},
	}, p.Sent())

	_, err = c.SendOutgoing(nil)
	assert.Error(t, err)

	noChat := cardbot.NewContext(t.Context(), nil, p, &cardbot.Update{})
	assert.ErrorIs(t, noChat.Send("x"), cardbot.ErrNoChat)

	p.FailSends(cardbot.Retryable(errors.New("503")))
	err = c.Send("four")
	assert.True(t, cardbot.IsRetryable(err))
}

func TestSendContact(t *testing.T) {
	bad := &contactcard.PhoneError{Raw: "123", Reason: "too short", Err: contactcard.ErrInvalidPhone}
	tests := []struct {
		name    string
		card    contactcard.Card
		wantErr []error
	}{
		{"usable", contactcard.Card{FormattedName: "Ann", Phones: []contactcard.Phone{
			{Raw: "123", Err: bad}, {Raw: "+79001234567", Number: "79001234567"},
		}}, nil},
		{"only a bad number", contactcard.Card{FormattedName: "Ann", Phones: []contactcard.Phone{{Raw: "123", Err: bad}}},
			[]error{cardbot.ErrNoUsableNumber, contactcard.ErrInvalidPhone, bad}},
		{"no phone", contactcard.Card{FormattedName: "Ann"}, []error{cardbot.ErrNoUsableNumber}},
		{"no phone but a MAX account: the provider decides", contactcard.Card{FormattedName: "Ann",
			Accounts: map[string]string{contactcard.MessengerMAX: "10000001"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFake("fake")
			u := textUpdate("chat1", "hi")
			c := cardbot.NewContext(t.Context(), nil, p, &u)
			err := c.SendContact(tt.card)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, []sentMsg{{Chat: "chat1", Out: cardbot.Contact{Card: tt.card}}}, p.Sent())
				return
			}
			for _, want := range tt.wantErr {
				assert.ErrorIs(t, err, want)
			}
			var pe *contactcard.PhoneError
			if errors.Is(err, contactcard.ErrInvalidPhone) {
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "123", pe.Raw)
			}
			assert.Empty(t, p.Sent(), "nothing sent")
		})
	}
}

func TestBotSend(t *testing.T) {
	wa, mx := newFake("greenapi"), newFake("max")
	b := newBot(cardbot.WithProviders(wa))
	require.NoError(t, b.AddProvider(mx))
	assert.Error(t, b.AddProvider(newFake("max")))
	assert.Error(t, b.AddProvider(nil))
	assert.PanicsWithValue(t, `cardbot: provider "max" is already registered`, func() {
		newBot(cardbot.WithProviders(mx, mx))
	})

	// Forward from one messenger to another inside a handler.
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		_, err := c.Bot().Send(c.Context(), "max", "m-chat", cardbot.Text{Body: "fwd: " + c.Text()})
		return err
	})
	require.NoError(t, b.Dispatch(t.Context(), wa, textUpdate("w-chat", "hi")))
	assert.Equal(t, []sentMsg{{Chat: "m-chat", Out: cardbot.Text{Body: "fwd: hi"}}}, mx.Sent())
	assert.Empty(t, wa.Sent())

	_, err := b.Send(t.Context(), "aitu", "x", cardbot.Text{Body: "x"})
	assert.ErrorIs(t, err, cardbot.ErrUnknownProvider)
	_, err = b.Send(t.Context(), "max", "x", cardbot.Contact{})
	assert.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
}

func contactUpdate(m cardbot.Message) *cardbot.Update {
	return &cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &m}
}

func numbers(cards []contactcard.Card) []string {
	var out []string
	for _, c := range cards {
		for _, p := range c.Phones {
			out = append(out, c.FormattedName+"="+p.Number)
		}
	}
	return out
}

func TestContactsFromRefs(t *testing.T) {
	p := newFake("fake")
	u := contactUpdate(cardbot.Message{Contacts: []cardbot.VCardRef{
		{DisplayName: "Ann", VCard: annVCard},
		{DisplayName: "Bob", VCard: bobVCard},
		{DisplayName: "Kim", FirstName: "Kim", Phone: "8 (701) 123-45-67"},
		{FirstName: "KFC", Phone: "7797"},
		{DisplayName: "Junk", VCard: "not a card"},
	}})
	c := cardbot.NewContext(t.Context(), newBot(cardbot.WithDefaultRegion("KZ")), p, u)
	cards, err := c.Contacts()
	require.ErrorIs(t, err, contactcard.ErrNoCard)
	assert.Contains(t, err.Error(), `contact 4 ("Junk")`)
	assert.Equal(t, []string{"Ann Lee=79001234567", "Bob=79007654321", "Kim=77011234567", "KFC="}, numbers(cards))
	require.Len(t, cards, 4)
	assert.ErrorIs(t, cards[3].Phones[0].Err, contactcard.ErrInvalidPhone)
	assert.Equal(t, "7797", cards[3].Phones[0].Raw)
}

func TestContactsRegion(t *testing.T) {
	// "8 701 …" is Kazakh in KZ; RU would read the same trunk prefix too,
	// so use a national number that only one region accepts.
	u := contactUpdate(cardbot.Message{Contacts: []cardbot.VCardRef{{DisplayName: "Tom", Phone: "07911 123456"}}})
	tests := []struct {
		name     string
		botReg   string
		provider string
		want     string
	}{
		{"provider hint wins", "RU", "GB", "447911123456"},
		{"bot region", "GB", "", "447911123456"},
		{"default region RU", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFake("fake")
			p.SetRegion(tt.provider)
			c := cardbot.NewContext(t.Context(), newBot(cardbot.WithDefaultRegion(tt.botReg)), p, u)
			cards, err := c.Contacts()
			require.NoError(t, err)
			assert.Equal(t, tt.want, cards[0].Phones[0].Number)
		})
	}
}

func TestContactsFromDocument(t *testing.T) {
	doc := &cardbot.Document{FileName: "team.VCF", MIMEType: "text/x-vcard"}
	t.Run("downloaded and parsed once", func(t *testing.T) {
		p := newFake("fake")
		p.AddFile("team.VCF", annVCard+bobVCard)
		c := cardbot.NewContext(t.Context(), newBot(), p, contactUpdate(cardbot.Message{Document: doc}))
		cards, err := c.Contacts()
		require.NoError(t, err)
		assert.Equal(t, []string{"Ann Lee=79001234567", "Bob=79007654321"}, numbers(cards))
		_, _ = c.Contacts()
		assert.Equal(t, 1, p.Downloads())
	})
	t.Run("over the cap while reading", func(t *testing.T) {
		p := newFake("fake")
		p.AddFile("team.VCF", annVCard+strings.Repeat("NOTE:x\r\n", 20))
		c := cardbot.NewContext(t.Context(), newBot(cardbot.WithMaxDocumentSize(int64(len(annVCard)))), p, contactUpdate(cardbot.Message{Document: doc}))
		cards, err := c.Contacts()
		require.ErrorIs(t, err, cardbot.ErrDocumentTooLarge)
		assert.Empty(t, cards)
	})
	t.Run("over the cap by its size", func(t *testing.T) {
		p := newFake("fake")
		big := *doc
		big.Size = 2 << 20
		c := cardbot.NewContext(t.Context(), nil, p, contactUpdate(cardbot.Message{Document: &big}))
		_, err := c.Contacts()
		require.ErrorIs(t, err, cardbot.ErrDocumentTooLarge)
		assert.Zero(t, p.Downloads())
	})
	t.Run("provider without Downloader", func(t *testing.T) {
		c := cardbot.NewContext(t.Context(), nil, newFake("fake").SendOnly(), contactUpdate(cardbot.Message{Document: doc}))
		_, err := c.Contacts()
		require.ErrorIs(t, err, cardbot.ErrNoDownloader)
	})
	t.Run("the download fails", func(t *testing.T) {
		down := errors.New("file server down")
		c := cardbot.NewContext(t.Context(), nil, brokenDownloads{newFake("fake"), down, nil}, contactUpdate(cardbot.Message{Document: doc}))
		cards, err := c.Contacts()
		require.ErrorIs(t, err, down)
		assert.Empty(t, cards)
	})
	t.Run("the download breaks off", func(t *testing.T) {
		reset := errors.New("connection reset")
		c := cardbot.NewContext(t.Context(), nil, brokenDownloads{newFake("fake"), nil, reset}, contactUpdate(cardbot.Message{Document: doc}))
		cards, err := c.Contacts()
		require.ErrorIs(t, err, reset)
		assert.Empty(t, cards)
	})
	t.Run("not a vCard document", func(t *testing.T) {
		p := newFake("fake")
		c := cardbot.NewContext(t.Context(), nil, p, contactUpdate(cardbot.Message{Document: &cardbot.Document{FileName: "a.pdf"}}))
		cards, err := c.Contacts()
		require.NoError(t, err)
		assert.Empty(t, cards)
		assert.Zero(t, p.Downloads())
	})
}

func TestDocumentIsVCard(t *testing.T) {
	tests := []struct {
		doc  cardbot.Document
		want bool
	}{
		{cardbot.Document{FileName: "a.vcf"}, true},
		{cardbot.Document{FileName: "a.VCARD"}, true},
		{cardbot.Document{FileName: "a", MIMEType: "text/vcard; charset=utf-8"}, true},
		{cardbot.Document{MIMEType: "text/x-vcard"}, true},
		{cardbot.Document{MIMEType: "text/directory"}, true},
		{cardbot.Document{FileName: "a.pdf", MIMEType: "application/pdf"}, false},
		{cardbot.Document{FileName: "vcf"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.doc.FileName+"|"+tt.doc.MIMEType, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.doc.IsVCard())
		})
	}
}

func TestContactsCarryAccounts(t *testing.T) {
	maxAccount := map[string]string{contactcard.MessengerMAX: "10000001"}
	u := contactUpdate(cardbot.Message{Contacts: []cardbot.VCardRef{
		{DisplayName: "Ann", VCard: annVCard, Accounts: maxAccount},
		{DisplayName: "Pyotr", Phone: "79991112234", Accounts: map[string]string{contactcard.MessengerAitu: "3f1c0a52-8a8e-4a5e-9d3a-3a5b0c9e2f11"}},
		{DisplayName: "Bob", VCard: bobVCard},
	}})
	cards, err := cardbot.NewContext(t.Context(), newBot(), newFake("fake"), u).Contacts()
	require.NoError(t, err)
	require.Len(t, cards, 3)
	assert.Equal(t, maxAccount, cards[0].Accounts)
	assert.Equal(t, "3f1c0a52-8a8e-4a5e-9d3a-3a5b0c9e2f11", cards[1].Accounts[contactcard.MessengerAitu])
	assert.Nil(t, cards[2].Accounts)

	cards[0].Accounts["x"] = "y"
	assert.NotContains(t, maxAccount, "x", "a card's accounts are its own copy")
}

// brokenDownloads is a provider whose downloads fail: at once with err,
// or, with readErr, after the first bytes of a vCard.
type brokenDownloads struct {
	*fakeProvider
	err, readErr error
}

func (p brokenDownloads) Download(context.Context, cardbot.Document) (io.ReadCloser, error) {
	if p.err != nil {
		return nil, p.err
	}
	return io.NopCloser(io.MultiReader(strings.NewReader("BEGIN:VCARD\r\nFN:A"), iotest.ErrReader(p.readErr))), nil
}
