package cardbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/cardbot/cardbot/webhook"
)

// fiveCards is a shared contact of five cards, each with a number of its
// own.
func fiveCards() []string {
	var out []string
	for i := 1; i <= 5; i++ {
		out = append(out, fmt.Sprintf("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card %d\r\nTEL;TYPE=CELL:+7900123456%d\r\nEND:VCARD\r\n", i, i))
	}
	return out
}

// contactsArrayOf is the webhook of a contactsArrayMessage of vcards: a
// contactMessage's, its data replaced.
func contactsArrayOf(t *testing.T, fake *greenapitest.Server, vcards []string) []byte {
	t.Helper()
	var body map[string]any
	require.NoError(t, json.Unmarshal(fake.IncomingContact(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "", ""), &body))
	var contacts []map[string]any
	for _, v := range vcards {
		contacts = append(contacts, map[string]any{"displayName": "", "vcard": v})
	}
	body["messageData"] = map[string]any{"typeMessage": "contactsArrayMessage", "messageData": map[string]any{"contacts": contacts}}
	out, err := json.Marshal(body)
	require.NoError(t, err)
	return out
}

// failingAfter is a fake GREEN-API that accepts n sends, then answers
// 500 once, and reports every message it accepted on the channel it
// returns.
func failingAfter(t *testing.T, n int64, opts ...greenapitest.Option) (*greenapitest.Server, <-chan greenapitest.SentMessage) {
	t.Helper()
	var self atomic.Pointer[greenapitest.Server]
	var count atomic.Int64
	sent := make(chan greenapitest.SentMessage, 64)
	opts = append(opts, greenapitest.WithWebhookToken("hook"), greenapitest.WithSentHook(func(m greenapitest.SentMessage) {
		if count.Add(1) == n {
			self.Load().FailNext(1, http.StatusInternalServerError, 0)
		}
		sent <- m
	}))
	fake := greenapitest.NewServer(opts...)
	self.Store(fake)
	t.Cleanup(fake.Close)
	return fake, sent
}

// echoCards sends every card of a contact message back, and fails with the
// first send that fails: the handler of the scenario.
func echoCards(c *cardbot.Context) error {
	cards, err := c.Contacts()
	if err != nil {
		return err
	}
	for _, card := range cards {
		if err := c.SendContact(card); err != nil {
			return err
		}
	}
	return nil
}

// ledgerStore is a store a bot is built on, as the echobot's STORE picks
// one: nil fields are the bot's in-memory defaults.
type ledgerStore struct {
	queue store.Queue
	dedup store.DedupStore
}

// ledgerStores are the stores the scenarios run on. Each is opened anew
// by the function for a test; a second call of it opens the same storage
// again, as a restarted process would.
func ledgerStores() map[string]func(t *testing.T) func() ledgerStore {
	return map[string]func(t *testing.T) func() ledgerStore{
		"memory": func(*testing.T) func() ledgerStore {
			return func() ledgerStore { return ledgerStore{} }
		},
		"file": func(t *testing.T) func() ledgerStore {
			path := filepath.Join(t.TempDir(), "bot.db")
			var last *boltstore.DB
			return func() ledgerStore {
				if last != nil {
					require.NoError(t, last.Close())
				}
				db, err := boltstore.Open(path, boltstore.Options{NoSync: true, Logger: slog.New(slog.DiscardHandler)})
				require.NoError(t, err)
				last = db
				t.Cleanup(func() { _ = db.Close() })
				return ledgerStore{queue: db.Queue(), dedup: db.DedupStore()}
			}
		},
		"redis": func(t *testing.T) func() ledgerStore {
			cfg := redisstore.Config{Prefix: redistest.Prefix(t), LeaseTTL: time.Second, PollInterval: 50 * time.Millisecond,
				Logger: slog.New(slog.DiscardHandler)}
			return func() ledgerStore {
				c := redistest.Client(t)
				q, err := redisstore.NewQueue(c, cfg)
				require.NoError(t, err)
				d, err := redisstore.NewDedupStore(c, cfg)
				require.NoError(t, err)
				return ledgerStore{queue: q, dedup: d}
			}
		},
	}
}

// ledgerBot is a bot on st, with echoCards, behind fake's webhook; its
// client makes no retries of its own. It is shut down when the test ends.
func ledgerBot(t *testing.T, fake *greenapitest.Server, st ledgerStore, async bool) (*cardbot.Bot, string) {
	t.Helper()
	cfg := fake.Config()
	cfg.MaxRetries = -1
	client, err := greenapi.New(cfg)
	require.NoError(t, err)
	opts := []cardbot.Option{cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler))}
	if st.dedup != nil {
		opts = append(opts, cardbot.WithDedupStore(st.dedup))
	}
	if async {
		opts = append(opts, delivery.WithAsync(delivery.Config{Queue: st.queue, MinRetryWait: time.Millisecond,
			MaxRetryWait: 10 * time.Millisecond}))
	}
	bot := cardbot.New(opts...)
	bot.Handle(cardbot.OnContact, echoCards)
	h, err := webhook.NewHandler(bot, client, webhook.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, bot.Shutdown(context.Background()))
	})
	return bot, srv.URL
}

// TestLedgerRetriedHandling is the scenario: a shared contact of
// five cards, the provider takes two sendContacts, then answers 500 once.
// The handling fails; the provider's redelivery (sync) or the bot's own
// retry (async) handles the update again, and every card reaches the chat
// exactly once, on every store.
func TestLedgerRetriedHandling(t *testing.T) {
	want := []string{"Card 1", "Card 2", "Card 3", "Card 4", "Card 5"}
	for name, store := range ledgerStores() {
		t.Run(name, func(t *testing.T) {
			t.Run("sync", func(t *testing.T) {
				fake, _ := failingAfter(t, 2, greenapitest.WithPushRetry(3, time.Millisecond))
				_, url := ledgerBot(t, fake, store(t)(), false)
				statuses, err := fake.Push(context.Background(), url, contactsArrayOf(t, fake, fiveCards()))
				require.NoError(t, err)
				assert.Equal(t, []int{http.StatusServiceUnavailable, http.StatusOK}, statuses)
				assert.Equal(t, want, cardNames(fake.SentMessages()))
			})
			t.Run("async", func(t *testing.T) {
				fake, sent := failingAfter(t, 2)
				bot, url := ledgerBot(t, fake, store(t)(), true)
				statuses, err := fake.Push(context.Background(), url, contactsArrayOf(t, fake, fiveCards()))
				require.NoError(t, err)
				assert.Equal(t, []int{http.StatusOK}, statuses)
				for range want {
					select {
					case <-sent:
					case <-time.After(10 * time.Second):
						t.Fatalf("the bot sent %q and no more", cardNames(fake.SentMessages()))
					}
				}
				require.NoError(t, bot.Shutdown(context.Background())) // drains: a repeated send would be made by now
				assert.Equal(t, want, cardNames(fake.SentMessages()))
			})
			if name == "memory" {
				return
			}
			t.Run("restart", func(t *testing.T) {
				// The redelivery reaches another process on the same
				// store: the bot restarted, or another instance.
				fake, _ := failingAfter(t, 2, greenapitest.WithPushRetry(1, time.Millisecond))
				open := store(t)
				_, url := ledgerBot(t, fake, open(), false)
				body := contactsArrayOf(t, fake, fiveCards())
				statuses, _ := fake.Push(context.Background(), url, body)
				require.Equal(t, []int{http.StatusServiceUnavailable}, statuses)
				_, url = ledgerBot(t, fake, open(), false)
				statuses, err := fake.Push(context.Background(), url, body)
				require.NoError(t, err)
				assert.Equal(t, []int{http.StatusOK}, statuses)
				assert.Equal(t, want, cardNames(fake.SentMessages()))
			})
		})
	}
}

// cardNames returns the names of the contacts sent, in order.
func cardNames(ms []greenapitest.SentMessage) []string {
	var out []string
	for _, m := range ms {
		if m.Contact != nil {
			out = append(out, strings.TrimSpace(m.Contact.FirstName+" "+m.Contact.LastName))
		}
	}
	return out
}
