package greenapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// Contacts go to a WhatsApp chat as one .vcf file, which the phone
// offers to import; here the fake GREEN-API shows what arrived. A file
// carries any number, even one sendContact refuses (Tan Wei's has 10
// digits).
func ExampleClient_Send_vcard() {
	srv := greenapitest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.Logger = slog.New(slog.DiscardHandler)
	c, err := greenapi.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := cardbot.New(cardbot.WithProviders(c), cardbot.WithLogger(cfg.Logger))

	cards := []contactcard.Card{
		{FormattedName: "Иван Петров", FirstName: "Иван", LastName: "Петров", Phones: []contactcard.Phone{{Number: "79001234567"}}},
		{FormattedName: "Tan Wei", Company: "Acme", Phones: []contactcard.Phone{{Number: "6561234567"}}},
	}
	f, err := cardbot.VCardFile("team", cards)
	if err != nil {
		fmt.Println(err)
		return
	}
	f.Caption = "the team"
	if _, err := b.Send(context.Background(), "greenapi", "79001234567@c.us", f); err != nil {
		fmt.Println(err)
		return
	}

	got := srv.SentFiles()[0]
	fmt.Println(got.Method, got.ChatID, got.File.Name, got.File.ContentType, got.File.Caption)
	back, _ := contactcard.Parse(bytes.NewReader(got.File.Data))
	for _, card := range back {
		fmt.Println(card.FormattedName, card.Phones[0].Raw)
	}
	// Output:
	// sendFileByUpload 79001234567@c.us team.vcf text/vcard the team
	// Иван Петров +79001234567
	// Tan Wei +6561234567
}
