package cardbottest_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
)

// A bot's test dispatches an update and looks at what the bot sent.
func ExampleDispatch() {
	b := cardbottest.NewBot()
	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error {
		return c.Reply("Hello, " + c.Sender().Name + "!")
	})
	p := cardbottest.NewProvider("")

	sent, err := cardbottest.Dispatch(context.Background(), b, p, cardbottest.Text("/start"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sent {
		fmt.Printf("to %s: %q\n", s.Chat, s.Text())
	}
	// Output:
	// to chat-1: "Hello, Ann!"
}

// A handler's test runs it alone on one update.
func ExampleHandle() {
	reaction := func(c *cardbot.Context) error {
		return c.Send("you reacted " + c.Message().Reaction.Emoji)
	}
	sent, err := cardbottest.Handle(context.Background(), reaction, cardbottest.NewProvider(""), cardbottest.Reaction("👍"))
	fmt.Println(sent[0].Text(), err)
	// Output:
	// you reacted 👍 <nil>
}

// A provider told to fail shows how a handler copes with the failure.
func ExampleProvider_FailSends() {
	p := cardbottest.NewProvider("")
	p.FailSends(cardbot.Retryable(errors.New("503 Service Unavailable")))

	_, err := cardbottest.Handle(context.Background(), func(c *cardbot.Context) error {
		return c.Send("hi")
	}, p, cardbottest.Text("hi"))
	fmt.Println(cardbot.IsRetryable(err), len(p.Sent()))
	// Output:
	// true 0
}

// A hook prints what is sent, as an example's output shows it.
func ExampleProvider_OnSend() {
	p := cardbottest.NewProvider("printer")
	p.OnSend(func(_ context.Context, chat string, out cardbot.Outgoing) error {
		if t, ok := out.(cardbot.Text); ok {
			fmt.Printf("to %s: %q\n", chat, t.Body)
		}
		return nil
	})
	_, _ = p.Send(context.Background(), "chat-1", cardbot.Text{Body: "hello"})
	// Output:
	// to chat-1: "hello"
}

// Print writes what a bot sends, a line each.
func ExamplePrint() {
	p := cardbottest.NewProvider("")
	p.OnSend(cardbottest.Print(os.Stdout))
	ctx := context.Background()
	_, _ = p.Send(ctx, "chat-1", cardbot.Text{Body: "hello"})
	_, _ = p.Send(ctx, "chat-1", cardbot.Contact{Card: contactcard.Card{FormattedName: "Ann"}})
	_, _ = p.Send(ctx, "chat-2", cardbot.File{Name: "team.vcf", Data: []byte("x")})
	// Output:
	// to chat-1: hello
	// to chat-1: contact Ann
	// to chat-2: file team.vcf
}

// A vCard upload is served from memory, and read in the provider's
// region.
func ExampleProvider_AddFile() {
	p := cardbottest.NewProvider("")
	p.SetRegion("KZ")
	p.AddFile("team.vcf", "BEGIN:VCARD\r\nFN:Aigul\r\nTEL:8 701 765 4321\r\nEND:VCARD\r\n")

	_, err := cardbottest.Handle(context.Background(), func(c *cardbot.Context) error {
		cards, err := c.Contacts()
		for _, card := range cards {
			ph, _ := card.PrimaryPhone()
			fmt.Println(card.FormattedName, ph.Number)
		}
		return err
	}, p, cardbottest.Document(cardbot.Document{FileName: "team.vcf"}, ""))
	fmt.Println(err)
	// Output:
	// Aigul 77017654321
	// <nil>
}
