package redisstore_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// A bot whose instances share one Redis: the queue of async delivery,
// the dedup store of sync delivery.
func ExampleNewQueue() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:    []string{"127.0.0.1:6379"},
		Password: os.Getenv("REDIS_PASSWORD"),
	})
	defer client.Close()

	cfg := redisstore.Config{Prefix: "echobot"}
	queue, err := redisstore.NewQueue(client, cfg)
	if err != nil {
		log.Fatal(err)
	}
	dedup, err := redisstore.NewDedupStore(client, cfg)
	if err != nil {
		log.Fatal(err)
	}
	bot := cardbot.New(
		delivery.WithAsync(delivery.Config{Queue: queue}),
		cardbot.WithDedupStore(dedup),
	)
	// … add providers and handlers, serve the webhooks …

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bot.Shutdown(ctx); err != nil {
		log.Print(err)
	}
}

// The dead letters of a queue, listed and replayed, as an admin command
// might.
func ExampleQueue_DeadLetters() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	defer client.Close()
	queue, err := redisstore.NewQueue(client, redisstore.Config{})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	dead, err := queue.DeadLetters(ctx, 20)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range dead {
		log.Printf("%s %s/%s failed at %v: %s", d.ID, d.Provider, d.ChatID, d.Failed, d.Reason)
		if err := queue.Replay(ctx, d.ID); err != nil {
			log.Print(err)
		}
	}
}

// A lease that one instance holds at a time, renewed while it works.
func ExampleLocker() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	defer client.Close()
	locker, err := redisstore.NewLocker(client, redisstore.Config{})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	host, _ := os.Hostname()
	ok, err := locker.Acquire(ctx, "greenapi:poll:1101000001", host, 30*time.Second)
	if err != nil || !ok {
		return // another instance polls
	}
	defer locker.Release(ctx, "greenapi:poll:1101000001", host)
	// … poll, calling Acquire again well within the 30 s …
}

// Instances that share conversations: each bot of a fleet shares the
// conversations, the dedup keys and the leases of its chats in Redis, so
// that two instances never run one chat's handlers at once.
func ExampleNewStateStore() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	defer client.Close()
	cfg := redisstore.Config{Prefix: "mybot"}
	states, err := redisstore.NewStateStore(client, cfg)
	if err != nil {
		log.Fatal(err)
	}
	dedup, err := redisstore.NewDedupStore(client, cfg)
	if err != nil {
		log.Fatal(err)
	}
	locker, err := redisstore.NewLocker(client, cfg)
	if err != nil {
		log.Fatal(err)
	}
	b := cardbot.New(
		cardbot.WithDedupStore(dedup),
		cardbot.WithState(cardbot.StateConfig{Store: states, Locker: locker, TTL: 12 * time.Hour}),
	)
	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error { return c.SetState("ask_name") })
	// … register the rest, mount the webhook …
}
