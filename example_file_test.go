package cardbot_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
)

// filePrinter returns a provider that prints the files it sends.
func filePrinter() *cardbottest.Provider {
	p := cardbottest.NewProvider("printer")
	p.OnSend(func(_ context.Context, chatID string, out cardbot.Outgoing) error {
		if f, ok := out.(cardbot.File); ok {
			fmt.Printf("to %s: %s (%s, %q)\n", chatID, f.Name, f.ContentType, f.Caption)
			fmt.Print(strings.ReplaceAll(string(f.Data), "\r\n", "\n"))
		}
		return nil
	})
	return p
}

// A handler sends a list of contacts back as one .vcf file, which every
// phone imports. VCardFile makes the file, to add a caption or send it
// with Bot.Send to another chat.
func ExampleContext_SendVCard() {
	cards := []contactcard.Card{
		{FormattedName: "Иван Петров", FirstName: "Иван", LastName: "Петров", Phones: []contactcard.Phone{{Number: "79001234567"}}},
		{FormattedName: "Aigul", FirstName: "Aigul", Phones: []contactcard.Phone{{Number: "77017654321"}}},
	}
	b := cardbot.New()
	b.Handle(cardbot.Command("export"), func(c *cardbot.Context) error {
		return c.SendVCard("friends", cards...)
	})
	_ = b.Dispatch(context.Background(), filePrinter(), textUpdate("chat", "/export"))

	f, err := cardbot.VCardFile("friends.vcf", cards[:1])
	if err != nil {
		fmt.Println(err)
		return
	}
	f.Caption = "Ivan's card"
	_ = b.AddProvider(filePrinter())
	_, _ = b.Send(context.Background(), "printer", "other-chat", f)
	// Output:
	// to chat: friends.vcf (text/vcard, "")
	// BEGIN:VCARD
	// VERSION:3.0
	// N:Петров;Иван;;;
	// FN:Иван Петров
	// TEL:+79001234567
	// END:VCARD
	// BEGIN:VCARD
	// VERSION:3.0
	// N:;Aigul;;;
	// FN:Aigul
	// TEL:+77017654321
	// END:VCARD
	// to other-chat: friends.vcf (text/vcard, "Ivan's card")
	// BEGIN:VCARD
	// VERSION:3.0
	// N:Петров;Иван;;;
	// FN:Иван Петров
	// TEL:+79001234567
	// END:VCARD
}
