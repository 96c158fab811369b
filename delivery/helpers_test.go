package delivery_test

import (
	"testing"
	"testing/synctest"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
)

// newBot returns a bot that logs nothing.
func newBot(opts ...cardbot.Option) *cardbot.Bot { return cardbottest.NewBot(opts...) }

// newFake returns a recording provider named name.
func newFake(name string) *cardbottest.Provider { return cardbottest.NewProvider(name) }

// textUpdate returns a text message of chat from the chat's user, its
// message id "m-" and the text.
func textUpdate(chat, text string) cardbot.Update {
	return cardbot.Update{
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{ID: chat, Kind: cardbot.ChatPrivate},
		Sender:  cardbot.User{ID: chat, Name: "Ann"},
		Message: &cardbot.Message{ID: "m-" + text, Type: "textMessage", Text: text},
	}
}

// keyed returns u with the dedup key key.
func keyed(u cardbot.Update, key string) cardbot.Update {
	u.Key = key
	return u
}

// inBubble runs f in a synctest bubble, on its fake clock.
func inBubble(f func(t *testing.T)) func(t *testing.T) {
	return func(t *testing.T) { synctest.Test(t, f) }
}
