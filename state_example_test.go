package cardbot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/cardbot/cardbot"
)

// say dispatches a text of chat "ann" to b through the printer.
func say(b *cardbot.Bot, text string) {
	err := b.Dispatch(context.Background(), printer(), cardbot.Update{
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{ID: "ann"},
		Sender:  cardbot.User{ID: "ann"},
		Message: &cardbot.Message{Text: text},
	})
	if err != nil {
		fmt.Println("error:", err)
	}
}

// A two-step flow: /order asks what, then how many; each step is a scene
// whose Enter hook asks its question, and /cancel leaves from any step.
func ExampleBot_Scene() {
	type order struct {
		Item string `json:"item"`
	}
	b := cardbot.New(
		cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithState(cardbot.StateConfig{}), // in memory; see boltstore and redisstore
	)
	b.Handle(cardbot.Command("order"), func(c *cardbot.Context) error {
		return c.SetState("ask_item")
	})
	b.Handle(cardbot.Command("cancel"), func(c *cardbot.Context) error {
		if err := c.ClearState(); err != nil {
			return err
		}
		return c.Send("cancelled")
	})
	b.Scene("ask_item", cardbot.SceneHooks{
		Enter: func(c *cardbot.Context) error { return c.Send("what would you like?") },
	}).Handle(cardbot.OnText, func(c *cardbot.Context) error {
		if err := cardbot.SetData(c, order{Item: c.Text()}); err != nil {
			return err
		}
		return c.SetState("ask_count")
	})
	b.Scene("ask_count", cardbot.SceneHooks{
		Enter: func(c *cardbot.Context) error { return c.Send("how many?") },
	}).Handle(cardbot.OnText, func(c *cardbot.Context) error {
		n, err := strconv.Atoi(c.Text())
		if err != nil {
			return c.Send("a number, please") // stays in ask_count
		}
		o, err := cardbot.GetData[order](c)
		if err != nil {
			return err
		}
		if err := c.ClearState(); err != nil {
			return err
		}
		return c.Send(fmt.Sprintf("ordered %d × %s", n, o.Item))
	})
	for _, text := range []string{"/order", "tea", "lots", "2", "/order", "/cancel"} {
		say(b, text)
	}
	// Output:
	// to ann: "what would you like?" (reply to "")
	// to ann: "how many?" (reply to "")
	// to ann: "a number, please" (reply to "")
	// to ann: "ordered 2 × tea" (reply to "")
	// to ann: "what would you like?" (reply to "")
	// to ann: "cancelled" (reply to "")
}

// Routes bound to a state with InState; at each rank the routes of the
// current state come before those without one.
func ExampleInState() {
	b := cardbot.New(
		cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithState(cardbot.StateConfig{Scope: cardbot.ScopeUserInChat}),
	)
	b.Handle(cardbot.Command("quiet"), func(c *cardbot.Context) error { return c.SetState("quiet") })
	b.Handle(cardbot.InState("quiet", cardbot.OnText), func(c *cardbot.Context) error {
		return c.ClearState() // one message ignored, then back to normal
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send("echo " + c.Text()) })
	for _, text := range []string{"a", "/quiet", "b", "c"} {
		say(b, text)
	}
	// Output:
	// to ann: "echo a" (reply to "")
	// to ann: "echo c" (reply to "")
}

// SetData and GetData keep a small typed record with the state, as JSON.
func ExampleSetData() {
	type tally struct {
		Count int      `json:"count"`
		Words []string `json:"words"`
	}
	b := cardbot.New(
		cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithState(cardbot.StateConfig{}),
	)
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		t, err := cardbot.GetData[tally](c) // the zero tally at first
		if err != nil {
			return err
		}
		t.Count++
		t.Words = append(t.Words, c.Text())
		if err := cardbot.SetData(c, t); err != nil {
			return err
		}
		return c.Send(fmt.Sprint(t.Count, " ", t.Words))
	})
	for _, text := range []string{"one", "two"} {
		say(b, text)
	}
	// Output:
	// to ann: "1 [one]" (reply to "")
	// to ann: "2 [one two]" (reply to "")
}
