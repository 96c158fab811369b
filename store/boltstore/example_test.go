package boltstore_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
)

func Example() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cardbot.db")

	db, err := boltstore.Open(path, boltstore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	q := db.Queue()
	ctx := context.Background()
	for _, key := range []string{"msg-1", "msg-2", "msg-1"} {
		ok, err := q.Push(ctx, store.Entry{Provider: "greenapi", ChatID: "79001234567@c.us", Key: key, Update: []byte(key)})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("push %s: stored %t\n", key, ok)
	}

	// A consumer that handles msg-1, and dies before it ends msg-2.
	ctx1, stop := context.WithCancel(ctx)
	err = q.Consume(ctx1, func(d store.Delivery) {
		fmt.Printf("delivered %s (ID %s)\n", d.Update, d.ID)
		if string(d.Update) == "msg-1" {
			if err := q.Ack(ctx, d); err != nil {
				log.Fatal(err)
			}
			return
		}
		_ = db.Close() // the crash: msg-2 is never acknowledged
		stop()
	})
	fmt.Println("consume:", err)

	// After a restart, msg-2 comes again.
	db, err = boltstore.Open(path, boltstore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	q = db.Queue()
	ctx2, stop := context.WithCancel(ctx)
	err = q.Consume(ctx2, func(d store.Delivery) {
		fmt.Printf("delivered again %s (ID %s)\n", d.Update, d.ID)
		if err := q.Ack(ctx, d); err != nil {
			log.Fatal(err)
		}
		stop()
	})
	fmt.Println("consume:", err)

	// Output:
	// push msg-1: stored true
	// push msg-2: stored true
	// push msg-1: stored false
	// delivered msg-1 (ID 1)
	// delivered msg-2 (ID 2)
	// consume: boltstore: closed
	// delivered again msg-2 (ID 2)
	// consume: <nil>
}

// printer returns a provider that prints the texts a bot sends.
func printer() *cardbottest.Provider {
	p := cardbottest.NewProvider("printer")
	p.OnSend(cardbottest.Print(os.Stdout))
	return p
}

// A conversation kept in the file goes on after a restart.
func ExampleDB_StateStore() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cardbot.db")

	say := func(text string) {
		db, err := boltstore.Open(path, boltstore.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			log.Fatal(err)
		}
		defer db.Close() // a new process each time
		b := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)),
			cardbot.WithState(cardbot.StateConfig{Store: db.StateStore()}))
		b.Handle(cardbot.Command("name"), func(c *cardbot.Context) error {
			if err := c.SetState("ask_name"); err != nil {
				return err
			}
			return c.Send("your name?")
		})
		b.Handle(cardbot.InState("ask_name", cardbot.OnText), func(c *cardbot.Context) error {
			if err := c.ClearState(); err != nil {
				return err
			}
			return c.Send("hello, " + c.Text())
		})
		err = b.Dispatch(context.Background(), printer(), cardbot.Update{
			Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "ann"}, Message: &cardbot.Message{Text: text},
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	say("/name")
	say("Ann")
	// Output:
	// to ann: your name?
	// to ann: hello, Ann
}
