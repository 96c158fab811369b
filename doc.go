// Package cardbot is a framework for chat bots behind webhooks: one bot,
// written once as handler funcs, answers on several messengers (WhatsApp
// and MAX through GREEN-API, Aitu), and reads and sends contact cards with
// numbers normalized by package contactcard.
//
// A bot registers handlers for routes and is fed updates by a provider's
// webhook receiver (package webhook) or poller:
//
//	b := cardbot.New(cardbot.WithDefaultRegion("RU"))
//	b.Use(middleware.Recover(), middleware.Logger())
//	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error {
//		return c.Send("Hi! Send me a contact.")
//	})
//	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
//		return c.Reply(c.Text())
//	})
//	b.Handle(cardbot.OnContact, func(c *cardbot.Context) error {
//		cards, err := c.Contacts()
//		if err != nil {
//			return err
//		}
//		for _, card := range cards {
//			if err := c.SendContact(card); err != nil {
//				return err
//			}
//		}
//		return nil
//	})
//
// # Routing
//
// Each update runs at most one handler, that of the most specific route
// that matches: a Command, then a Regexp, Pattern or Match route, then the
// content (OnContact, OnDocument, OnText; OnStatus for status updates),
// then OnMessage, then OnAny; among routes of one rank, the first
// registered. Middlewares of Bot.Use run around every update, those of a
// Group around its handlers, and those given to Handle around one handler.
//
// # Delivery
//
// Providers deliver again what was not acknowledged, and sometimes what
// was. Bot.Dispatch deduplicates by Update.Key (a key is remembered only
// when its handler succeeded) and either handles the update before it
// returns (sync mode, the default: the webhook answers 503 when the error
// is retryable, see IsRetryable, and 200 otherwise) or queues it (WithAsync:
// per-chat order, a global concurrency bound, ErrQueueFull when full).
// Bot.Shutdown drains. Panics are always recovered and reported to the error
// handler as a *PanicError.
//
// # Providers
//
// A Provider sends Outgoing messages (Text, Contact) to chats; providers
// that can fetch files implement Downloader, and those configured with a
// phone region RegionHinter. Replies from a Context go through the provider
// that delivered the update; Bot.Send reaches any chat of any registered
// provider.
package cardbot
