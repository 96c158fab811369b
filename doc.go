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
// content (OnContact, OnDocument, OnLocation, OnSticker, OnPoll,
// OnButton, OnForm, OnText), or for an update about an earlier message its
// kind (OnStatus, OnEdited, OnDeleted, OnReaction, OnPollVote), then
// OnMessage for new messages only, then OnAny; among routes of one rank,
// the first registered. An edit is never a new message: its new text
// reaches OnEdited, not OnText or a Command. Middlewares of Bot.Use run around every update, those of a
// Group around its handlers, and those given to Handle around one handler.
//
// # Delivery
//
// Providers deliver again what was not acknowledged, and sometimes what
// was. In sync mode (the default) Bot.Dispatch deduplicates by Update.Key
// (a key is remembered only when its handler succeeded; WithDedupStore
// shares the keys between instances) and handles the update before it
// returns: the webhook answers 503 when the error is retryable (see
// IsRetryable), so the provider delivers again, and 200 otherwise.
//
// In async mode (WithAsync) Dispatch stores the update in a Queue and
// returns, and the webhook answers 200: MemoryQueue by default, or a
// durable one (store/boltstore on one machine, store/redisstore for several
// instances) that keeps what was acknowledged through a crash. The bot
// handles the queue in per-chat order under a global concurrency bound,
// retries a retryable failure with backoff, and moves an update that fails
// every attempt to the dead letters (Bot.DeadLetters, Bot.Replay).
// Delivery is at least once per update: a crash can repeat the handling of
// what was in flight, never lose what was acknowledged.
//
// A handling that runs again for the same update does not repeat its
// sends: every send of a Context goes through the bot's send ledger
// (SendLedger, kept in the bot's store), which skips the sends an earlier
// handling of the update completed and returns their results. Exactly
// once per send for every retry the bot itself makes (and the provider's
// redelivery after a 503); at least once only for a send in flight at a
// crash. See Bot.Dispatch.
//
// Bot.Shutdown drains. Panics are always recovered and reported to the
// error handler as a *PanicError.
//
// # Conversations
//
// WithState keeps a state per conversation: a state name and a small data
// record (JSON), per chat, per user in a chat, or per user (StateScope),
// in a StateStore: in memory by default, store/boltstore on one machine,
// store/redisstore for several instances. Handlers read and change it
// through the Context (State, SetState, ClearState, GetData, SetData);
// InState routes and Scenes (a state with Enter and Leave hooks) match
// only in their state. The updates of a conversation are handled one at
// a time, each on the state the previous one saved; a handling that fails
// saves nothing; see Bot.Dispatch for what holds across instances.
//
// # Providers
//
// A Provider sends Outgoing messages (Text, Contact, File) to chats;
// providers that can fetch files implement Downloader, those configured
// with a phone region RegionHinter, and those that cap the files they send
// FileLimiter. Context.SendVCard sends contact cards as one .vcf file.
// Replies from a Context go through the provider
// that delivered the update; Bot.Send reaches any chat of any registered
// provider.
package cardbot
