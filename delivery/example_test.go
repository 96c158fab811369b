package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store/boltstore"
)

// A bot whose async queue is a file: what the webhook acknowledged
// survives a crash, and an update whose handling keeps failing ends in the
// dead letters, where it can be listed and replayed.
func ExampleWithAsync() {
	dir, err := os.MkdirTemp("", "cardbot-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := boltstore.Open(filepath.Join(dir, "queue.db"), boltstore.Options{})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	b := cardbot.New(
		cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		delivery.WithAsync(delivery.Config{
			Queue:        db.Queue(),
			MaxAttempts:  2,
			MinRetryWait: time.Millisecond,
		}),
	)
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return cardbot.Retryable(errors.New("the API is down"))
	})
	_ = b.Dispatch(context.Background(), cardbottest.Discard("printer"), cardbot.Update{
		Kind: cardbot.KindMessage, Key: "m1",
		Chat:    cardbot.Chat{ID: "chat"},
		Message: &cardbot.Message{ID: "m1", Text: "hello"},
	})
	q := db.Queue() // dead letters are the queue's: listed, replayed, dropped
	for {
		dead, _ := q.DeadLetters(context.Background(), 10)
		if len(dead) == 1 {
			fmt.Printf("dead letter of %s: %s\n", dead[0].ChatID, dead[0].Reason)
			break
		}
		time.Sleep(time.Millisecond)
	}
	_ = b.Shutdown(context.Background())
	// Output:
	// dead letter of chat: the API is down
}
