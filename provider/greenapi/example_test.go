package greenapi_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func ExampleNew() {
	c, err := greenapi.New(greenapi.Config{
		APIURL:           "https://1103.api.green-api.com",
		IDInstance:       "1101000001",
		APITokenInstance: "d75b3a66374942c5b3c019c698abc2067e151558acbd412c",
		WebhookToken:     "my-webhook-secret",
		DefaultRegion:    "RU",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Name(), c.DefaultRegion())
	// Output: greenapi RU
}

func ExampleClient_Send() {
	srv := greenapitest.NewServer() // a fake GREEN-API
	defer srv.Close()
	c, err := greenapi.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// A chat id, or a phone number read in the default region.
	if _, err := c.Send(ctx, "8 900 123-45-67", cardbot.Text{Body: "Hello!"}); err != nil {
		log.Fatal(err)
	}
	card := contactcard.Card{
		FormattedName: "Artem Evpatoriysky", FirstName: "Artem", LastName: "Evpatoriysky",
		Phones: []contactcard.Phone{{Raw: "+7 900 123-45-68", Number: "79001234568"}},
	}
	if _, err := c.Send(ctx, "79001234567@c.us", cardbot.Contact{Card: card}); err != nil {
		log.Fatal(err)
	}
	for _, m := range srv.SentMessages() {
		if m.Contact != nil {
			fmt.Println(m.Method, m.ChatID, m.Contact.PhoneContact, m.Contact.FirstName, m.Contact.LastName)
		} else {
			fmt.Println(m.Method, m.ChatID, m.Text)
		}
	}
	// Output:
	// sendMessage 79001234567@c.us Hello!
	// sendContact 79001234567@c.us 79001234568 Artem Evpatoriysky
}

func ExampleClient_DecodeWebhook() {
	c, err := greenapi.New(greenapi.Config{IDInstance: "1234", APITokenInstance: "token"})
	if err != nil {
		log.Fatal(err)
	}
	body := []byte(`{
	  "typeWebhook": "incomingMessageReceived",
	  "instanceData": {"idInstance": 1234, "wid": "11001234567@c.us", "typeInstance": "whatsapp"},
	  "timestamp": 1588091580,
	  "idMessage": "F7AEC1B7086ECDC7E6E45923F5EDB825",
	  "senderData": {"chatId": "79001234568@c.us", "sender": "79001234568@c.us", "senderName": "Green API"},
	  "messageData": {"typeMessage": "textMessage", "textMessageData": {"textMessage": "/start"}}
	}`)
	updates, err := c.DecodeWebhook(body)
	if err != nil {
		log.Fatal(err) // wraps cardbot.ErrMalformedUpdate: answer 400
	}
	u := updates[0]
	fmt.Println(u.Kind, u.Chat.ID, u.Chat.Kind, u.Sender.Name)
	fmt.Println(u.Message.Type, u.Message.Text)
	fmt.Println(u.Key)
	// Output:
	// message 79001234568@c.us private Green API
	// textMessage /start
	// 1234|79001234568@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived
}
