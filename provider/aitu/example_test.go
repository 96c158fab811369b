package aitu_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

func ExampleNew() {
	c, err := aitu.New(aitu.Config{
		Token:     "51ae2e07-22e6-4460-8929-4aaf082127fa", // os.Getenv("AITU_BOT_TOKEN")
		PhonePlus: false,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Name(), c.DefaultRegion())
	// Output: aitu KZ
}

func ExampleClient_Send() {
	srv := aitutest.NewServer() // a fake Aitu Bot API
	defer srv.Close()
	c, err := aitu.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	group := aitu.ChatID(aitu.PeerGroup, "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f")
	if _, err := c.Send(ctx, group, cardbot.Text{Body: "Hello!"}); err != nil {
		log.Fatal(err)
	}
	card := contactcard.Card{
		FormattedName: "Alexandr", FirstName: "Alexandr",
		Phones: []contactcard.Phone{{Raw: "8 701 123 45 67", Number: "77011234567"}},
	}
	sent, err := c.Send(ctx, group, cardbot.Contact{Card: card})
	if err != nil {
		log.Fatal(err)
	}
	for _, cmd := range srv.SentMessages() {
		if cmd.InputMedia != nil {
			fmt.Println(cmd.Type, cmd.Recipient.Type, cmd.InputMedia.ContactType, cmd.InputMedia.FirstName, cmd.InputMedia.PhoneNumber)
		} else {
			fmt.Println(cmd.Type, cmd.Recipient.Type, *cmd.Content)
		}
	}
	fmt.Println(sent.ID == srv.SentMessages()[1].LocalID)
	// Output:
	// SendMessage GROUP Hello!
	// SendContactMessage GROUP InputUnregisteredContact Alexandr 77011234567
	// true
}

func ExampleClient_DecodeWebhook() {
	c, err := aitu.New(aitu.Config{Token: "51ae2e07-22e6-4460-8929-4aaf082127fa"})
	if err != nil {
		log.Fatal(err)
	}
	body := []byte(`{"updates":[{
	  "type":"Message","updateId":"3f0c9a1e-7b2d-4c3e-9f10-223344556677",
	  "messageId":"e31b7c8d-f2af-11ea-ab1a-62e1faec30e1","sentAt":"2020-09-09T09:40:56.000Z",
	  "author":{"type":"USER","id":"5a5e7cd3-1b2c-4d5e-8f90-a1b2c3d4e5f6","firstName":"John","lastName":"Doe"},
	  "dialog":{"type":"GROUP","id":"8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","name":"Toi"},
	  "content":"",
	  "media":[{"type":"RegisteredContact","user":{"id":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
	    "firstName":"Alex","lastName":"Key","phoneNumber":"+77011234568","userName":"@test"}}]}]}`)
	updates, err := c.DecodeWebhook(body)
	if err != nil {
		log.Fatal(err) // wraps cardbot.ErrMalformedUpdate: answer 400
	}
	u := updates[0]
	fmt.Println(u.Kind, u.Chat.ID, u.Chat.Kind, u.Sender.Name)
	ct := u.Message.Contacts[0]
	fmt.Println(ct.DisplayName, ct.Phone, ct.Accounts[contactcard.MessengerAitu])
	// Output:
	// message GROUP:8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f group John Doe
	// Alex Key +77011234568 a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d
}
