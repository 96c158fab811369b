package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
)

// draft is the data of the flows of these tests.
type draft struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// texts returns the bodies of the texts sent.
func texts(f *fakeProvider) []string {
	var out []string
	for _, m := range f.Sent() {
		if t, ok := m.Out.(cardbot.Text); ok {
			out = append(out, t.Body)
		}
	}
	return out
}

// keySeq makes the keys of dispatchAll unique in the test binary.
var keySeq atomic.Int64

// dispatchAll dispatches texts of chat to b, in order, each with its own
// key, and requires every Dispatch to succeed.
func dispatchAll(t *testing.T, b *cardbot.Bot, p cardbot.Provider, chat string, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		require.NoError(t, b.Dispatch(context.Background(), p, keyed(textUpdate(chat, m), fmt.Sprint(chat, "/", keySeq.Add(1)))), "Dispatch %q", m)
	}
}

// askFlow registers a two-step flow: /add asks a name, the name asks a
// number, the number ends it; /cancel leaves it from anywhere.
func askFlow(b *cardbot.Bot) {
	b.Handle(cardbot.Command("add"), func(c *cardbot.Context) error {
		return c.SetState("ask_name")
	})
	b.Handle(cardbot.Command("cancel"), func(c *cardbot.Context) error {
		if err := c.ClearState(); err != nil {
			return err
		}
		return c.Send("cancelled")
	})
	b.Scene("ask_name", cardbot.SceneHooks{
		Enter: func(c *cardbot.Context) error { return c.Send("name?") },
	}).Handle(cardbot.OnText, func(c *cardbot.Context) error {
		if err := cardbot.SetData(c, draft{Name: c.Text()}); err != nil {
			return err
		}
		return c.SetState("ask_n")
	})
	b.Scene("ask_n", cardbot.SceneHooks{
		Enter: func(c *cardbot.Context) error { return c.Send("n?") },
		Leave: func(c *cardbot.Context) error { return c.Send("bye") },
	}).Handle(cardbot.OnText, func(c *cardbot.Context) error {
		d, err := cardbot.GetData[draft](c)
		if err != nil {
			return err
		}
		if d.N, err = strconv.Atoi(c.Text()); err != nil {
			return c.Send("a number, please")
		}
		if err := c.ClearState(); err != nil {
			return err
		}
		return c.Send(fmt.Sprintf("saved %s=%d", d.Name, d.N))
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send("echo " + c.Text()) })
}

func TestStateFlow(t *testing.T) {
	tests := []struct {
		name string
		msgs []string
		want []string
	}{
		{"whole flow", []string{"/add", "Ann", "x", "42", "after"},
			[]string{"name?", "n?", "a number, please", "bye", "saved Ann=42", "echo after"}},
		{"cancel in a scene", []string{"/add", "Ann", "/cancel", "hello"},
			[]string{"name?", "n?", "bye", "cancelled", "echo hello"}},
		{"no state", []string{"hello", "/cancel"}, []string{"echo hello", "cancelled"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBot(cardbot.WithState(cardbot.StateConfig{}))
			askFlow(b)
			f := newFake("alpha")
			dispatchAll(t, b, f, "chat1", tc.msgs...)
			assert.Equal(t, tc.want, texts(f))
		})
	}
}

func TestStateRoutingOrder(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{}))
	route := func(r cardbot.Route) {
		b.Handle(r, func(c *cardbot.Context) error { return c.Send(r.String()) })
	}
	route(cardbot.Command("cancel"))
	route(cardbot.InState("ask", cardbot.Command("help")))
	route(cardbot.Command("help"))
	route(cardbot.InState("ask", cardbot.OnText))
	route(cardbot.OnText)
	route(cardbot.InState("", cardbot.OnContact))
	route(cardbot.Pattern(`^global`))
	route(cardbot.InState("other", cardbot.Pattern(`^global`)))
	route(cardbot.InState("ask", cardbot.OnAny))
	route(cardbot.OnMessage)
	b.Handle(cardbot.Command("go"), func(c *cardbot.Context) error { return c.SetState(c.Payload()) })

	contact := textUpdate("c", "")
	contact.Message.Contacts = []cardbot.VCardRef{{DisplayName: "Ann", Phone: "79001234567"}}
	status := cardbot.Update{Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "c"}}
	tests := []struct {
		state string
		u     cardbot.Update
		want  string
	}{
		{"ask", textUpdate("c", "/cancel"), "/cancel"},
		{"ask", textUpdate("c", "/help"), `InState("ask", /help)`},
		{"", textUpdate("c", "/help"), "/help"},
		{"ask", textUpdate("c", "hi"), `InState("ask", OnText)`},
		{"other", textUpdate("c", "hi"), "OnText"},
		{"", textUpdate("c", "hi"), "OnText"},
		{"ask", textUpdate("c", "global x"), "Pattern(^global)"},
		{"other", textUpdate("c", "global x"), `InState("other", Pattern(^global))`},
		{"", contact, `InState("", OnContact)`},
		{"ask", contact, "OnMessage"},
		{"ask", status, `InState("ask", OnAny)`},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprintf("%d %s %s", i, tc.state, tc.u.Kind), func(t *testing.T) {
			f := newFake("alpha")
			chat := "chat" + strconv.Itoa(i)
			if tc.state != "" {
				require.NoError(t, b.Dispatch(context.Background(), f, textUpdate(chat, "/go "+tc.state)))
			}
			u := tc.u
			u.Chat.ID = chat
			require.NoError(t, b.Dispatch(context.Background(), f, u))
			assert.Equal(t, []string{tc.want}, texts(f))
		})
	}
}

func TestStateScopes(t *testing.T) {
	msg := func(chat, user, text string) cardbot.Update {
		u := textUpdate(chat, text)
		u.Sender.ID = user
		return u
	}
	tests := []struct {
		scope cardbot.StateScope
		// what "where" answers: to ann in group g1, to bob in g1, to ann
		// in g2, after ann said "/set x" in g1.
		want []string
	}{
		{cardbot.ScopeChat, []string{"x", "x", ""}},
		{cardbot.ScopeUserInChat, []string{"x", "", ""}},
		{cardbot.ScopeUser, []string{"x", "", "x"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.scope), func(t *testing.T) {
			b := newBot(cardbot.WithState(cardbot.StateConfig{Scope: tc.scope}))
			b.Handle(cardbot.Command("set"), func(c *cardbot.Context) error { return c.SetState(c.Payload()) })
			b.Handle(cardbot.Command("where"), func(c *cardbot.Context) error { return c.Send(c.State()) })
			f := newFake("alpha")
			ctx := context.Background()
			require.NoError(t, b.Dispatch(ctx, f, msg("g1", "ann", "/set x")))
			require.NoError(t, b.Dispatch(ctx, f, msg("g1", "ann", "/where")))
			require.NoError(t, b.Dispatch(ctx, f, msg("g1", "bob", "/where")))
			require.NoError(t, b.Dispatch(ctx, f, msg("g2", "ann", "/where")))
			assert.Equal(t, tc.want, texts(f))
		})
	}
}

func TestStateWithoutConversation(t *testing.T) {
	tests := []struct {
		name string
		opts []cardbot.Option
		u    cardbot.Update
	}{
		{"bot without WithState", nil, textUpdate("c", "hi")},
		{"update without chat", []cardbot.Option{cardbot.WithState(cardbot.StateConfig{})},
			cardbot.Update{Kind: cardbot.KindMessage, Message: &cardbot.Message{Text: "hi"}}},
		{"scope by user, no sender", []cardbot.Option{cardbot.WithState(cardbot.StateConfig{Scope: cardbot.ScopeUser})},
			cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{Text: "hi"}}},
		{"scope by user in chat, no sender", []cardbot.Option{cardbot.WithState(cardbot.StateConfig{Scope: cardbot.ScopeUserInChat})},
			cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{Text: "hi"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBot(tc.opts...)
			var errs []error
			b.Handle(cardbot.InState("", cardbot.OnText), func(*cardbot.Context) error {
				return errors.New("an InState route matched an update without state")
			})
			b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
				_, gerr := cardbot.GetData[draft](c)
				errs = append(errs, c.SetState("x"), c.ClearState(), cardbot.SetData(c, 1), gerr)
				assert.Empty(t, c.State())
				return nil
			})
			require.NoError(t, b.Dispatch(context.Background(), newFake("alpha"), tc.u))
			require.Len(t, errs, 4)
			for _, err := range errs {
				assert.ErrorIs(t, err, cardbot.ErrNoState)
			}
		})
	}
}

func TestStateData(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{MaxData: 32}))
	var got []string
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		switch c.Text() {
		case "big":
			err := cardbot.SetData(c, draft{Name: "a name much longer than thirty-two bytes"})
			require.ErrorIs(t, err, cardbot.ErrStateTooLarge)
			return nil
		case "func":
			err := cardbot.SetData(c, func() {})
			require.Error(t, err)
			return nil
		case "set":
			return cardbot.SetData(c, draft{Name: "Ann", N: 7})
		case "wrong type":
			_, err := cardbot.GetData[[]int](c)
			require.Error(t, err)
			return nil
		}
		d, err := cardbot.GetData[draft](c)
		got = append(got, fmt.Sprint(d, err))
		return nil
	})
	f := newFake("alpha")
	dispatchAll(t, b, f, "c", "get0", "big", "func", "get1", "set", "get2", "wrong type")
	assert.Equal(t, []string{"{ 0} <nil>", "{ 0} <nil>", "{Ann 7} <nil>"}, got)
}

func TestStateFailedHandlingSavesNothing(t *testing.T) {
	tests := []struct {
		name    string
		fail    func() error
		errSays string
	}{
		{"error", func() error { return errors.New("boom") }, "boom"},
		{"retryable error", func() error { return cardbot.Retryable(errors.New("later")) }, "later"},
		{"panic", func() error { panic("oops") }, "oops"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var reported []error
			b := newBot(cardbot.WithState(cardbot.StateConfig{}),
				cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { reported = append(reported, err) }))
			b.Handle(cardbot.Command("fail"), func(c *cardbot.Context) error {
				require.NoError(t, c.SetState("changed"))
				require.NoError(t, cardbot.SetData(c, draft{Name: "changed"}))
				return tc.fail()
			})
			b.Handle(cardbot.Command("set"), func(c *cardbot.Context) error {
				require.NoError(t, cardbot.SetData(c, draft{Name: "kept"}))
				return c.SetState("kept")
			})
			b.Handle(cardbot.Command("show"), func(c *cardbot.Context) error {
				d, err := cardbot.GetData[draft](c)
				require.NoError(t, err)
				return c.Send(c.State() + "/" + d.Name)
			})
			f := newFake("alpha")
			ctx := context.Background()
			require.NoError(t, b.Dispatch(ctx, f, textUpdate("c", "/set")))
			err := b.Dispatch(ctx, f, textUpdate("c", "/fail"))
			if err == nil {
				require.Len(t, reported, 1)
				err = reported[0]
			}
			assert.ErrorContains(t, err, tc.errSays)
			require.NoError(t, b.Dispatch(ctx, f, textUpdate("c", "/show")))
			assert.Equal(t, []string{"kept/kept"}, texts(f))
		})
	}
}

// TestStateTTL runs in a synctest bubble: the TTL passes on the bubble's
// clock, so the test waits for nothing and a loaded machine cannot make
// the two dispatches outlast the TTL.
func TestStateTTL(t *testing.T) { synctest.Test(t, stateTTL) }

func stateTTL(t *testing.T) {
	const ttl = 500 * time.Millisecond
	b := newBot(cardbot.WithState(cardbot.StateConfig{TTL: ttl}))
	b.Handle(cardbot.Command("set"), func(c *cardbot.Context) error { return c.SetState("waiting") })
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send("state " + c.State()) })
	f := newFake("alpha")
	dispatchAll(t, b, f, "c", "/set", "now")
	time.Sleep(2 * ttl)
	dispatchAll(t, b, f, "c", "later")
	assert.Equal(t, []string{"state waiting", "state "}, texts(f))
}

// flakyStore fails as it is told, and otherwise is a MemoryStateStore.
type flakyStore struct {
	*store.MemoryStateStore
	loadErr, saveErr error
	meddle           func() // runs between a handler and its save
}

func (s *flakyStore) Load(ctx context.Context, key string) (store.StateRecord, error) {
	if s.loadErr != nil {
		return store.StateRecord{}, s.loadErr
	}
	return s.MemoryStateStore.Load(ctx, key)
}

func (s *flakyStore) Save(ctx context.Context, key string, rec store.StateRecord, ttl time.Duration) (uint64, error) {
	if s.saveErr != nil {
		return 0, s.saveErr
	}
	if s.meddle != nil {
		m := s.meddle
		s.meddle = nil
		m()
	}
	return s.MemoryStateStore.Save(ctx, key, rec, ttl)
}

func TestStateStoreFailures(t *testing.T) {
	down := errors.New("store down")
	tests := []struct {
		name      string
		setup     func(s *flakyStore)
		wantIs    error
		wantRuns  int
		wantState string
	}{
		{"load fails", func(s *flakyStore) { s.loadErr = down }, down, 0, "start"},
		{"save fails", func(s *flakyStore) { s.saveErr = down }, down, 1, "start"},
		{"save loses its compare-and-set", func(s *flakyStore) {
			s.meddle = func() {
				rec, err := s.MemoryStateStore.Load(context.Background(), convKey)
				require.NoError(t, err)
				rec.State = "other"
				_, err = s.MemoryStateStore.Save(context.Background(), convKey, rec, 0)
				require.NoError(t, err)
			}
		}, store.ErrStateConflict, 1, "other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &flakyStore{MemoryStateStore: store.NewMemoryStateStore()}
			b := newBot(cardbot.WithState(cardbot.StateConfig{Store: s}))
			runs := 0
			b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error { return c.SetState("start") })
			b.Handle(cardbot.Command("next"), func(c *cardbot.Context) error {
				runs++
				return c.SetState("next")
			})
			f := newFake("alpha")
			ctx := context.Background()
			require.NoError(t, b.Dispatch(ctx, f, textUpdate("c", "/start")))
			tc.setup(s)
			err := b.Dispatch(ctx, f, textUpdate("c", "/next"))
			require.ErrorIs(t, err, tc.wantIs)
			assert.True(t, cardbot.IsRetryable(err), "a state store failure must be retryable: %v", err)
			assert.Equal(t, tc.wantRuns, runs)
			s.loadErr, s.saveErr = nil, nil
			rec, err := s.MemoryStateStore.Load(ctx, convKey)
			require.NoError(t, err)
			assert.Equal(t, tc.wantState, rec.State)
		})
	}
}

// forgetful is a DedupStore that remembers nothing: every delivery is new,
// as after a crash between the state's save and the dedup mark.
type forgetful struct{}

func (forgetful) Begin(context.Context, string) (store.DedupState, error) {
	return store.DedupNew, nil
}
func (forgetful) End(context.Context, string, bool) error { return nil }

func TestStateRedeliveryAfterSaveIsSkipped(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{}), cardbot.WithDedupStore(forgetful{}))
	runs := map[string]int{}
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		runs[c.Text()]++
		if c.Text() == "look" {
			return nil // saves nothing
		}
		return countText(c)
	})
	f := newFake("alpha")
	ctx := context.Background()
	one, two, look := keyed(textUpdate("c", "one"), "k1"), keyed(textUpdate("c", "two"), "k2"), keyed(textUpdate("c", "look"), "k3")
	for _, u := range []cardbot.Update{one, one, two, look, two, look, textUpdate("c", "nokey"), textUpdate("c", "nokey")} {
		require.NoError(t, b.Dispatch(ctx, f, u))
	}
	assert.Equal(t, map[string]int{"one": 1, "two": 1, "look": 2, "nokey": 2}, runs)
}

func TestSceneHooks(t *testing.T) {
	var log []string
	hook := func(what string, err error) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error {
			log = append(log, what+" in "+strconv.Quote(c.State()))
			return err
		}
	}
	b := newBot(cardbot.WithState(cardbot.StateConfig{}))
	b.Scene("a", cardbot.SceneHooks{Enter: hook("enter a", nil), Leave: hook("leave a", nil)})
	b.Scene("b", cardbot.SceneHooks{Enter: hook("enter b", nil)})
	b.Scene("bad", cardbot.SceneHooks{Enter: hook("enter bad", errors.New("no entry"))})
	b.Scene("ping", cardbot.SceneHooks{Enter: func(c *cardbot.Context) error { return c.SetState("pong") }})
	b.Scene("pong", cardbot.SceneHooks{Enter: func(c *cardbot.Context) error { return c.SetState("ping") }})
	var errs []error
	b.Handle(cardbot.Command("go"), func(c *cardbot.Context) error {
		errs = append(errs, c.SetState(c.Payload()))
		return nil
	})
	b.Handle(cardbot.Command("clear"), func(c *cardbot.Context) error {
		errs = append(errs, c.ClearState())
		return nil
	})
	f := newFake("alpha")
	dispatchAll(t, b, f, "c", "/go a", "/go a", "/go b", "/go a", "/clear", "/go bad", "/go ping")
	assert.Equal(t, []string{
		`enter a in "a"`,
		`leave a in "a"`, `enter b in "b"`,
		`enter a in "a"`,
		`leave a in "a"`,
		`enter bad in "bad"`,
	}, log)
	require.Len(t, errs, 7)
	for _, err := range errs[:5] {
		assert.NoError(t, err)
	}
	assert.ErrorContains(t, errs[5], "no entry")
	assert.ErrorContains(t, errs[6], "nested")
}

func TestSceneRegistration(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{}))
	sc := b.Scene("s", cardbot.SceneHooks{})
	assert.Equal(t, "s", sc.Name())
	sc.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil })
	tests := []struct {
		name string
		f    func()
	}{
		{"empty name", func() { b.Scene("", cardbot.SceneHooks{}) }},
		{"scene twice", func() { b.Scene("s", cardbot.SceneHooks{}) }},
		{"event twice in a state", func() { sc.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil }) }},
		{"same via InState", func() {
			b.Handle(cardbot.InState("s", cardbot.OnText), func(*cardbot.Context) error { return nil })
		}},
		{"nested InState", func() { cardbot.InState("a", cardbot.InState("b", cardbot.OnText)) }},
		{"nil route", func() { cardbot.InState("a", nil) }},
		{"InState in a scene", func() { sc.Handle(cardbot.InState("x", cardbot.OnText), func(*cardbot.Context) error { return nil }) }},
		{"nil middleware", func() { b.Scene("t", cardbot.SceneHooks{}, nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assert.Panics(t, tc.f) })
	}
	// Another state may have the same event, and so may no state.
	b.Handle(cardbot.InState("t", cardbot.OnText), func(*cardbot.Context) error { return nil })
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil })
	sub := sc.Group()
	sub.Handle(cardbot.OnContact, func(*cardbot.Context) error { return nil })
	assert.Panics(t, func() {
		b.Handle(cardbot.InState("s", cardbot.OnContact), func(*cardbot.Context) error { return nil })
	}, "a subgroup of a scene registers in the scene's state")
}

// counting registers a handler that counts the messages of a chat in its
// state's data, and records each count it reached.
func counting(b *cardbot.Bot, seen *sync.Map, runs *atomic.Int64) {
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		runs.Add(1)
		n, err := cardbot.GetData[int](c)
		if err != nil {
			return err
		}
		n++
		if prev, dup := seen.LoadOrStore(c.Chat().ID+"/"+strconv.Itoa(n), c.Text()); dup {
			return fmt.Errorf("step %d ran twice: for %v and %q", n, prev, c.Text())
		}
		time.Sleep(time.Millisecond) // widen the window a race would need
		return cardbot.SetData(c, n)
	})
}

func TestStateSerializesChat(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprint("async=", async), func(t *testing.T) {
			store := store.NewMemoryStateStore()
			opts := []cardbot.Option{cardbot.WithState(cardbot.StateConfig{Store: store})}
			if async {
				opts = append(opts, delivery.WithAsync(delivery.Config{Concurrency: 8}))
			}
			b := newBot(opts...)
			var seen sync.Map
			var runs atomic.Int64
			counting(b, &seen, &runs)
			f := newFake("alpha")
			const msgs = 10
			var wg sync.WaitGroup
			for i := range msgs {
				wg.Go(func() {
					for _, chat := range []string{"c1", "c2"} {
						u := keyed(textUpdate(chat, fmt.Sprint("m", i)), fmt.Sprint(chat, "/", i))
						assert.NoError(t, b.Dispatch(context.Background(), f, u))
					}
				})
			}
			wg.Wait()
			require.NoError(t, b.Shutdown(context.Background()))
			assert.EqualValues(t, 2*msgs, runs.Load())
			for _, chat := range []string{"c1", "c2"} {
				rec, err := store.Load(context.Background(), "c\x00alpha\x00"+chat)
				require.NoError(t, err)
				assert.Equal(t, strconv.Itoa(msgs), string(rec.Data), "count of %s", chat)
			}
		})
	}
}

func TestStateChatBusy(t *testing.T) {
	tests := []struct {
		name   string
		shared bool
	}{
		{"one instance", false},
		{"two instances sharing a Locker", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cardbot.StateConfig{Store: store.NewMemoryStateStore(), LockWait: 50 * time.Millisecond}
			if tc.shared {
				cfg.Locker = store.NewMemoryLocker()
			}
			first := newBot(cardbot.WithState(cfg))
			bots := []*cardbot.Bot{first}
			if tc.shared {
				bots = append(bots, newBot(cardbot.WithState(cfg)))
			}
			second := bots[len(bots)-1]
			entered, release := make(chan struct{}), make(chan struct{})
			for _, b := range bots {
				b.Handle(cardbot.Command("slow"), func(*cardbot.Context) error {
					close(entered)
					<-release
					return nil
				})
				b.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send("ran") })
			}
			f := newFake("alpha")
			done := make(chan error)
			go func() { done <- first.Dispatch(context.Background(), f, textUpdate("c", "/slow")) }()
			<-entered
			err := second.Dispatch(context.Background(), f, textUpdate("c", "hi"))
			require.ErrorIs(t, err, cardbot.ErrChatBusy)
			assert.True(t, cardbot.IsRetryable(err))
			require.NoError(t, second.Dispatch(context.Background(), f, textUpdate("other", "hi")), "another chat is not busy")
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			assert.ErrorIs(t, second.Dispatch(ctx, f, textUpdate("c", "hi")), context.Canceled)
			close(release)
			require.NoError(t, <-done)
			require.NoError(t, second.Dispatch(context.Background(), f, textUpdate("c", "hi")))
			assert.Equal(t, []string{"ran", "ran"}, texts(f))
		})
	}
}

// TestSceneLeaveHookFails: when the Leave hook of the scene being left
// fails, SetState returns its error, the conversation stays in the scene,
// and the next scene's Enter hook does not run.
func TestSceneLeaveHookFails(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{}))
	entered := false
	b.Scene("a", cardbot.SceneHooks{Leave: func(*cardbot.Context) error { return errors.New("stay") }})
	b.Scene("b", cardbot.SceneHooks{Enter: func(*cardbot.Context) error { entered = true; return nil }})
	var err error
	b.Handle(cardbot.Command("go"), func(c *cardbot.Context) error {
		err = c.SetState(c.Payload())
		return c.Send("in " + c.State())
	})
	f := newFake("alpha")
	dispatchAll(t, b, f, "c", "/go a", "/go b")
	require.ErrorContains(t, err, "stay")
	assert.False(t, entered)
	assert.Equal(t, []string{"in a", "in a"}, texts(f))
	rec, cerr := b.ChatState(context.Background(), "alpha", "c")
	require.NoError(t, cerr)
	assert.Equal(t, "a", rec.State)
}

// TestSceneUse: middlewares a scene's Use adds run around its handlers,
// those registered before included, and not around handlers outside it.
func TestSceneUse(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{}))
	var log []string
	sc := b.Scene("s", cardbot.SceneHooks{})
	sc.Handle(cardbot.OnText, func(c *cardbot.Context) error { log = append(log, "scene "+c.Text()); return nil })
	sc.Use(func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error { log = append(log, "mw"); return next(c) }
	})
	b.Handle(cardbot.Command("enter"), func(c *cardbot.Context) error { log = append(log, "enter"); return c.SetState("s") })
	dispatchAll(t, b, newFake("alpha"), "c", "/enter", "hi")
	assert.Equal(t, []string{"enter", "mw", "scene hi"}, log)
}

// TestStateSavedAfterTheHandlerTimeout: a handler that changed the state
// and returned nil is saved even when its deadline passed before it
// returned; it finished its work.
func TestStateSavedAfterTheHandlerTimeout(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{}), cardbot.WithHandlerTimeout(10*time.Millisecond))
	b.Handle(cardbot.Command("slow"), func(c *cardbot.Context) error {
		if err := c.SetState("done"); err != nil {
			return err
		}
		<-c.Context().Done()
		return nil
	})
	dispatchAll(t, b, newFake("alpha"), "c", "/slow")
	rec, err := b.ChatState(context.Background(), "alpha", "c")
	require.NoError(t, err)
	assert.Equal(t, "done", rec.State)
}

// ttlStore records the time to live of each Save.
type ttlStore struct {
	*store.MemoryStateStore
	mu   sync.Mutex
	ttls []time.Duration
}

func (s *ttlStore) Save(ctx context.Context, key string, rec store.StateRecord, ttl time.Duration) (uint64, error) {
	s.mu.Lock()
	s.ttls = append(s.ttls, ttl)
	s.mu.Unlock()
	return s.MemoryStateStore.Save(ctx, key, rec, ttl)
}

// TestStateTTLConfig: a zero TTL is DefaultStateTTL, a negative one keeps
// records until they are cleared (a time to live of 0 for the store).
func TestStateTTLConfig(t *testing.T) {
	tests := []struct {
		name string
		ttl  time.Duration
		want time.Duration
	}{
		{"zero is the default", 0, cardbot.DefaultStateTTL},
		{"negative never expires", -time.Second, 0},
		{"positive as given", time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &ttlStore{MemoryStateStore: store.NewMemoryStateStore()}
			b := newBot(cardbot.WithState(cardbot.StateConfig{Store: s, TTL: tt.ttl}))
			b.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.SetState("x") })
			dispatchAll(t, b, newFake("alpha"), "c", "hi")
			assert.Equal(t, []time.Duration{tt.want}, s.ttls)
		})
	}
}
