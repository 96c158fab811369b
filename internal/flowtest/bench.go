package flowtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/cardbot/cardbot"
)

// Discard is a provider whose Send does nothing.
type Discard struct{}

// Name implements cardbot.Provider.
func (Discard) Name() string { return "bench" }

// Send implements cardbot.Provider.
func (Discard) Send(context.Context, string, cardbot.Outgoing) (cardbot.SentMessage, error) {
	return cardbot.SentMessage{ID: "1"}, nil
}

// Reply is the handler of the benchmarks without state: it replies.
func Reply(c *cardbot.Context) error { return c.Send(c.Text()) }

// CountAndReply is the handler of the benchmarks with state: it reads the
// conversation's count from its data, writes it back one more, so that
// the record is loaded and saved on every update, and replies.
func CountAndReply(c *cardbot.Context) error {
	n, err := cardbot.GetData[int](c)
	if err != nil {
		return err
	}
	if err := cardbot.SetData(c, n+1); err != nil {
		return err
	}
	return c.Send(c.Text())
}

// Bench dispatches keyed text updates of 1024 chats in turn to bot, whose
// handler is Reply or CountAndReply: a text webhook's work past the HTTP
// request. The bot should deduplicate with a store smaller than 8192
// keys, so that every key is new again when it comes back, as in
// production.
func Bench(b *testing.B, bot *cardbot.Bot) {
	u := cardbot.Update{
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{Kind: cardbot.ChatPrivate},
		Sender:  cardbot.User{ID: "ann", Name: "Ann"},
		Message: &cardbot.Message{ID: "m", Type: "textMessage", Text: "hello"},
	}
	chats := make([]string, 1024)
	for i := range chats {
		chats[i] = fmt.Sprint("7900", 1000000+i, "@c.us")
	}
	keys := make([]string, 8192)
	for i := range keys {
		keys[i] = fmt.Sprint("k", i)
	}
	ctx, p := context.Background(), Discard{}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u.Chat.ID = chats[i&(len(chats)-1)]
		u.Key = keys[i&(len(keys)-1)]
		i++
		if err := bot.Dispatch(ctx, p, u); err != nil {
			b.Fatal(err)
		}
	}
}
