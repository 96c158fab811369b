package cardbot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
)

// record returns a handler that appends name to *got.
func record(got *[]string, name string) cardbot.HandlerFunc {
	return func(*cardbot.Context) error {
		*got = append(*got, name)
		return nil
	}
}

func TestRoutingPrecedence(t *testing.T) {
	vcfDoc := &cardbot.Document{FileName: "a.vcf"}
	pdfDoc := &cardbot.Document{FileName: "a.pdf", MIMEType: "application/pdf"}
	msg := func(m cardbot.Message) cardbot.Update {
		return cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &m}
	}
	tests := []struct {
		name   string
		routes []string // which routes are registered
		update cardbot.Update
		want   string // handler that runs, "" for none
	}{
		{"command beats everything", all, msg(cardbot.Message{Text: "/start hello"}), "command"},
		{"command is case-insensitive", all, msg(cardbot.Message{Text: "/START"}), "command"},
		{"unknown command is text by pattern", all, msg(cardbot.Message{Text: "/help hello"}), "pattern"},
		{"pattern beats content", all, msg(cardbot.Message{Text: "say hello"}), "pattern"},
		{"predicate beats content", all, msg(cardbot.Message{Text: "vip"}), "predicate"},
		{"text", all, msg(cardbot.Message{Text: "plain"}), "text"},
		{"contact", all, msg(cardbot.Message{Contacts: []cardbot.VCardRef{{VCard: "x"}}}), "contact"},
		{"vcf document is a contact", all, msg(cardbot.Message{Document: vcfDoc}), "contact"},
		{"vcf document without OnContact is a document", []string{"document", "message"}, msg(cardbot.Message{Document: vcfDoc}), "document"},
		{"document", all, msg(cardbot.Message{Document: pdfDoc, Text: "caption"}), "document"},
		{"unknown message type", all, msg(cardbot.Message{Type: "pollMessage"}), "message"},
		{"text without OnText is a message", []string{"message", "any"}, msg(cardbot.Message{Text: "plain"}), "message"},
		{"text without OnText or OnMessage is any", []string{"any"}, msg(cardbot.Message{Text: "plain"}), "any"},
		{"status", all, cardbot.Update{Kind: cardbot.KindStatus, Status: &cardbot.Status{Name: "read"}}, "status"},
		{"status without OnStatus", []string{"message", "any"}, cardbot.Update{Kind: cardbot.KindStatus}, "any"},
		{"system event", all, cardbot.Update{Kind: cardbot.KindOther, Raw: []byte(`{"typeWebhook":"stateInstanceChanged"}`)}, "any"},
		{"nothing matches", []string{"text"}, cardbot.Update{Kind: cardbot.KindOther}, ""},
		{"message without Message field", all, cardbot.Update{Kind: cardbot.KindMessage}, "message"},
		{"own command is not a command", all, msg(cardbot.Message{Text: "/start", FromMe: true}), "any"},
		{"own text matches no pattern", all, msg(cardbot.Message{Text: "say hello", FromMe: true}), "any"},
		{"own contact is not a contact", all, msg(cardbot.Message{Contacts: []cardbot.VCardRef{{VCard: "x"}}, FromMe: true}), "any"},
		{"own text without OnAny runs nothing", []string{"text", "message", "command"}, msg(cardbot.Message{Text: "/start", FromMe: true}), ""},
		{"predicates see own messages", all, msg(cardbot.Message{Text: "vip", FromMe: true}), "predicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			b := newBot()
			register(b, tt.routes, &got)
			require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), tt.update))
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []string{tt.want}, got)
		})
	}
}

var all = []string{"any", "message", "status", "document", "text", "contact", "predicate", "pattern", "command"}

// register registers the named routes, in the order given, so that the
// most specific ones come last and must win by rank, not by order.
func register(b *cardbot.Bot, routes []string, got *[]string) {
	for _, r := range routes {
		h := record(got, r)
		switch r {
		case "any":
			b.Handle(cardbot.OnAny, h)
		case "message":
			b.Handle(cardbot.OnMessage, h)
		case "status":
			b.Handle(cardbot.OnStatus, h)
		case "document":
			b.Handle(cardbot.OnDocument, h)
		case "text":
			b.Handle(cardbot.OnText, h)
		case "contact":
			b.Handle(cardbot.OnContact, h)
		case "predicate":
			b.Handle(cardbot.Match(func(u *cardbot.Update) bool {
				return u.Message != nil && u.Message.Text == "vip"
			}), h)
		case "pattern":
			b.Handle(cardbot.Pattern(`hello`), h)
		case "command":
			b.Handle(cardbot.Command("start"), h)
		default:
			registerKind(b, r, h)
		}
	}
}

func TestRegistrationOrder(t *testing.T) {
	var got []string
	b := newBot()
	b.Handle(cardbot.Match(func(u *cardbot.Update) bool { return strings.Contains(u.Message.Text, "a") }), record(&got, "first"))
	b.Handle(cardbot.Pattern(`a`), record(&got, "second"))
	b.Handle(cardbot.Pattern(`b`), record(&got, "third"))
	p := newFake("fake")
	for _, text := range []string{"ab", "b"} {
		require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", text)))
	}
	assert.Equal(t, []string{"first", "third"}, got)
}

func TestPatternSubmatches(t *testing.T) {
	b := newBot()
	var m []string
	b.Handle(cardbot.Pattern(`^call (\d+)$`), func(c *cardbot.Context) error {
		m = c.Submatches()
		return nil
	})
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "call 42")))
	assert.Equal(t, []string{"call 42", "42"}, m)
}

func TestCommandArgs(t *testing.T) {
	tests := []struct {
		text    string
		match   bool
		payload string
		args    []string
	}{
		{"/start", true, "", nil},
		{"/start ref 42", true, "ref 42", []string{"ref", "42"}},
		{"  /Start   ref\t42  ", true, "ref\t42", []string{"ref", "42"}},
		{"/start\nline two", true, "line two", []string{"line", "two"}},
		{"/startx", false, "", nil},
		{"/ start", false, "", nil},
		{"start", false, "", nil},
		{"/", false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			b := newBot()
			var ran bool
			var payload string
			var args []string
			b.Handle(cardbot.Command("/start"), func(c *cardbot.Context) error {
				ran, payload, args = true, c.Payload(), c.Args()
				return nil
			})
			require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", tt.text)))
			assert.Equal(t, tt.match, ran)
			assert.Equal(t, tt.payload, payload)
			assert.Equal(t, tt.args, args)
		})
	}
}

// trace returns a middleware that appends name to *got before its handler.
func trace(got *[]string, name string) cardbot.MiddlewareFunc {
	return func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error {
			*got = append(*got, name)
			return next(c)
		}
	}
}

func TestMiddlewareOrderAndUseAfterHandle(t *testing.T) {
	var got []string
	b := newBot()
	b.Use(trace(&got, "global1"))
	g := b.Group(trace(&got, "group"))
	sub := g.Group(trace(&got, "sub"))
	sub.Handle(cardbot.OnText, record(&got, "handler"), trace(&got, "route1"), trace(&got, "route2"))
	p := newFake("fake")

	require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", "x")))
	assert.Equal(t, []string{"global1", "group", "sub", "route1", "route2", "handler"}, got)

	// Use and Group.Use after Handle and after a dispatch still apply.
	got = nil
	b.Use(trace(&got, "global2"))
	g.Use(trace(&got, "group2"))
	require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", "x")))
	assert.Equal(t, []string{"global1", "global2", "group", "group2", "sub", "route1", "route2", "handler"}, got)

	// Global middlewares run when no handler matches; group ones do not.
	got = nil
	require.NoError(t, b.Dispatch(t.Context(), p, cardbot.Update{Kind: cardbot.KindOther}))
	assert.Equal(t, []string{"global1", "global2"}, got)
}

func TestChainsComposedOnce(t *testing.T) {
	b := newBot()
	composed := 0
	b.Use(func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		composed++
		return next
	})
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil })
	p := newFake("fake")
	for range 10 {
		require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", "x")))
	}
	// Once around the OnText handler and once around the no-op.
	assert.Equal(t, 2, composed)
	b.Handle(cardbot.OnStatus, func(*cardbot.Context) error { return nil })
	require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", "x")))
	assert.Equal(t, 5, composed)
}

func TestRegistrationPanics(t *testing.T) {
	ok := func(*cardbot.Context) error { return nil }
	tests := []struct {
		name string
		f    func(b *cardbot.Bot)
		msg  string
	}{
		{"nil route", func(b *cardbot.Bot) { b.Handle(nil, ok) }, "cardbot: Handle with a nil route"},
		{"nil handler", func(b *cardbot.Bot) { b.Handle(cardbot.OnText, nil) }, "cardbot: Handle OnText with a nil handler"},
		{"nil route middleware", func(b *cardbot.Bot) { b.Handle(cardbot.OnText, ok, nil) }, "cardbot: Handle OnText with a nil middleware (argument 0)"},
		{"nil Use middleware", func(b *cardbot.Bot) { b.Use(nil) }, "cardbot: Use with a nil middleware (argument 0)"},
		{"nil Group middleware", func(b *cardbot.Bot) { b.Group(nil) }, "cardbot: Group with a nil middleware (argument 0)"},
		{"empty command", func(*cardbot.Bot) { cardbot.Command("") }, "cardbot: Command with an empty name"},
		{"slash only", func(*cardbot.Bot) { cardbot.Command("/") }, "cardbot: Command with an empty name"},
		{"command with space", func(*cardbot.Bot) { cardbot.Command("a b") }, `cardbot: Command name "a b" has a space`},
		{"bad pattern", func(*cardbot.Bot) { cardbot.Pattern("(") }, "cardbot: Pattern \"(\" does not compile: error parsing regexp: missing closing ): `(`"},
		{"nil predicate", func(*cardbot.Bot) { cardbot.Match(nil) }, "cardbot: Match with a nil predicate"},
		{"zero event", func(b *cardbot.Bot) { b.Handle(cardbot.Event(0), ok) }, "cardbot: Handle with an unknown event Event(0)"},
		{"event past the last", func(b *cardbot.Bot) { b.Handle(cardbot.Event(200), ok) }, "cardbot: Handle with an unknown event Event(200)"},
		{"route made outside the package", func(b *cardbot.Bot) { b.Handle(foreignRoute{cardbot.OnText}, ok) },
			"cardbot: Handle with an unknown route type cardbot_test.foreignRoute"},
		{"duplicate command", func(b *cardbot.Bot) {
			b.Handle(cardbot.Command("start"), ok)
			b.Handle(cardbot.Command("/Start"), ok)
		}, "cardbot: Handle command /start registered twice"},
		{"duplicate event", func(b *cardbot.Bot) {
			b.Handle(cardbot.OnText, ok)
			b.Group().Handle(cardbot.OnText, ok)
		}, "cardbot: Handle OnText registered twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.PanicsWithValue(t, tt.msg, func() { tt.f(newBot()) })
		})
	}
}

func TestUnknownTypeReachesOnAnyWithRaw(t *testing.T) {
	b := newBot()
	raw := []byte(`{"typeWebhook":"somethingNew","x":1}`)
	var got *cardbot.Update
	b.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
		got = c.Update()
		return nil
	})
	require.NoError(t, b.Dispatch(context.Background(), newFake("greenapi"), cardbot.Update{Raw: raw}))
	require.NotNil(t, got)
	assert.JSONEq(t, string(raw), string(got.Raw))
	assert.Equal(t, "greenapi", got.Provider)
}

func TestRegisterWhileDispatching(t *testing.T) {
	b := newBot()
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil })
	p := newFake("fake")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			b.Handle(cardbot.Command(fmt.Sprint("c", i)), func(*cardbot.Context) error { return nil })
			b.Use(func(next cardbot.HandlerFunc) cardbot.HandlerFunc { return next })
		}
	}()
	for range 200 {
		require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", "/c1")))
	}
	<-done
	var ran bool
	b.Handle(cardbot.Command("last"), func(*cardbot.Context) error { ran = true; return nil })
	require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("c", "/last")))
	assert.True(t, ran)
}

// foreignRoute is a Route of a type the package does not know: it can only
// be made by embedding one of the package's.
type foreignRoute struct{ cardbot.Route }

// TestMiddlewareReturningNilHandler: a middleware that returns no handler
// fails each update with a *PanicError to the error handler, and no
// handler runs.
func TestMiddlewareReturningNilHandler(t *testing.T) {
	var rec cardbottest.Errors
	b := newBot(cardbot.WithErrorHandler(rec.Handle))
	ran := false
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { ran = true; return nil },
		func(cardbot.HandlerFunc) cardbot.HandlerFunc { return nil })
	err := b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "hi"))
	var pe *cardbot.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Error(), "a middleware returned a nil handler")
	assert.False(t, ran)
	errs := rec.Get()
	require.Len(t, errs, 1)
	assert.ErrorAs(t, errs[0], &pe)
}

// TestGlobalMiddlewareSeesUnroutedUpdates: Use middlewares run around an
// update that no handler takes, as Use says; route middlewares do not.
func TestGlobalMiddlewareSeesUnroutedUpdates(t *testing.T) {
	b := newBot()
	var got []string
	b.Use(trace(&got, "global"))
	b.Handle(cardbot.OnText, record(&got, "text"), trace(&got, "route"))
	status := cardbot.Update{Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "c"}, Status: &cardbot.Status{MessageID: "m", Name: "read"}}
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), status))
	assert.Equal(t, []string{"global"}, got, "the global middleware ran, and nothing else")
}
