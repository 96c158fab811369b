package cardbottest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/store"
)

func TestDispatchReturnsWhatThisUpdateSent(t *testing.T) {
	p := cardbottest.NewProvider("")
	b := cardbottest.NewBot()
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		if err := c.Send("1: " + c.Text()); err != nil {
			return err
		}
		return c.Send("2: " + c.Text())
	})
	_, err := cardbottest.Dispatch(t.Context(), b, p, cardbottest.Text("a"))
	require.NoError(t, err)
	sent, err := cardbottest.Dispatch(t.Context(), b, p, cardbottest.Text("b"))
	require.NoError(t, err)
	assert.Equal(t, []cardbottest.Sent{
		{Chat: cardbottest.ChatID, Out: cardbot.Text{Body: "1: b"}},
		{Chat: cardbottest.ChatID, Out: cardbot.Text{Body: "2: b"}},
	}, sent, "only the second update's sends")
	assert.Len(t, p.Sent(), 4)
}

func TestDispatchFailures(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		handler cardbot.HandlerFunc
		fail    error
		want    error
		sent    int
	}{
		{"the handler's error", func(*cardbot.Context) error { return boom }, nil, boom, 0},
		{"a send that fails", func(c *cardbot.Context) error { return c.Send("x") }, cardbot.Retryable(boom), boom, 0},
		{"a send after the first fails", func(c *cardbot.Context) error {
			if err := c.Send("x"); err != nil {
				return err
			}
			return c.Send("y")
		}, nil, boom, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cardbottest.NewProvider("")
			switch {
			case tt.fail != nil:
				p.FailSends(tt.fail)
			case tt.sent > 0:
				p.FailAfter(tt.sent, boom)
			}
			sent, err := cardbottest.Handle(t.Context(), tt.handler, p, cardbottest.Text("hi"))
			require.ErrorIs(t, err, tt.want)
			assert.Len(t, sent, tt.sent)
		})
	}

	t.Run("a panic", func(t *testing.T) {
		_, err := cardbottest.Handle(t.Context(), func(*cardbot.Context) error { panic("oops") }, cardbottest.NewProvider(""), cardbottest.Text("hi"))
		var pe *cardbot.PanicError
		require.ErrorAs(t, err, &pe)
	})
}

func TestNewContext(t *testing.T) {
	p := cardbottest.NewProvider("alpha")
	p.SetRegion("KZ")
	c := cardbottest.NewContext(t, p, cardbottest.Contact("BEGIN:VCARD\r\nFN:Ann\r\nTEL:87011234567\r\nEND:VCARD\r\n"))
	assert.Same(t, cardbot.Provider(p), c.Provider())
	assert.NotNil(t, c.Bot())
	assert.Equal(t, "alpha", c.Update().Provider)
	require.NoError(t, c.Context().Err(), "the context lives on after the handling")

	cards, err := c.Contacts()
	require.NoError(t, err)
	require.Len(t, cards, 1)
	ph, ok := cards[0].PrimaryPhone()
	require.True(t, ok)
	assert.Equal(t, "77011234567", ph.Number, "read in the provider's region")

	require.NoError(t, c.Reply("got it"))
	assert.Equal(t, []cardbottest.Sent{{Chat: cardbottest.ChatID, Out: cardbot.Text{Body: "got it", ReplyTo: cardbottest.MessageID}}}, p.Sent())
}

func TestNewContextOptions(t *testing.T) {
	doc := cardbot.Document{FileName: "big.vcf", Size: 100}
	c := cardbottest.NewContext(t, nil, cardbottest.Document(doc, ""), cardbot.WithMaxDocumentSize(10))
	assert.Equal(t, cardbottest.DefaultProvider, c.Provider().Name(), "a new Provider when nil")
	_, err := c.Contacts()
	require.ErrorIs(t, err, cardbot.ErrDocumentTooLarge)

	c = cardbottest.NewContext(t, cardbottest.NewProvider("").SendOnly(), cardbottest.Document(cardbot.Document{FileName: "a.vcf"}, ""))
	_, err = c.Contacts()
	require.ErrorIs(t, err, cardbot.ErrNoDownloader)
}

// fakeT records how a test failed, so that the failures of NewContext can
// be tested.
type fakeT struct {
	testing.TB
	ctx    context.Context
	failed string
}

func (f *fakeT) Helper()                  {}
func (f *fakeT) Context() context.Context { return f.ctx }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f)
}

func TestNewContextFailures(t *testing.T) {
	// run calls NewContext with a fakeT and returns how it failed.
	run := func(ctx context.Context, u cardbot.Update, opts ...cardbot.Option) (failed string) {
		ft := &fakeT{TB: t, ctx: ctx}
		defer func() {
			if r := recover(); r != nil && r != any(ft) {
				panic(r)
			}
			failed = ft.failed
		}()
		cardbottest.NewContext(ft, nil, u, opts...)
		return ""
	}
	assert.Empty(t, run(t.Context(), cardbottest.Text("hi")))

	dedup := store.NewMemoryDedupStore(store.MemoryDedupConfig{})
	u := cardbottest.Text("hi", cardbottest.WithKey("k1"))
	assert.Empty(t, run(t.Context(), u, cardbot.WithDedupStore(dedup)))
	assert.Equal(t, "cardbottest: the bot did not hand the update to a handler", run(t.Context(), u, cardbot.WithDedupStore(dedup)),
		"a duplicate")

	assert.Equal(t, "cardbottest: dispatch of the update: cardbot: dedup store: down",
		run(t.Context(), u, cardbot.WithDedupStore(downDedup{})), "a store that fails")
}

// downDedup is a dedup store that is down.
type downDedup struct{ store.DedupStore }

func (downDedup) Begin(context.Context, string) (store.DedupState, error) {
	return 0, errors.New("down")
}

// The provider's limits act on the bot as a real provider's do.
func TestProviderLimitsReachTheBot(t *testing.T) {
	p := cardbottest.NewProvider("")
	p.SetTextLimit(cardbot.TextLimit{Max: 5})
	p.SetMaxFileSize(3)
	sent, err := cardbottest.Handle(t.Context(), func(c *cardbot.Context) error {
		if err := c.SendSplit("hello world"); err != nil {
			return err
		}
		return c.SendFile(cardbot.File{Name: "a.txt", Data: []byte("four")})
	}, p, cardbottest.Text("hi"))
	require.ErrorIs(t, err, cardbot.ErrFileTooLarge)
	var texts []string
	for _, s := range sent {
		texts = append(texts, s.Text())
	}
	assert.Equal(t, []string{"hello", "world"}, texts, "the text cut at 5, the file refused")
}
