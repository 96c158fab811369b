// Package cardbot is a framework for chat bots behind webhooks: one bot,
// written once as handler funcs, answers on several messengers (WhatsApp,
// MAX and Telegram through GREEN-API, Aitu through its Bot API), and reads
// and sends contact cards with numbers normalized by package contactcard.
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
// # Architecture
//
// Each package knows only those below it. The stores (store and its
// implementations) import nothing of the bot; this package imports store,
// the contracts, and no store implementation nor delivery; webhook, the
// providers, delivery, middleware, prom and tracing import this package
// (the providers contactcard too), never one another; sandbox sits on top
// of them all.
//
//   - cardbot (this package): Bot, routing, Context, the Update model,
//     options and the Provider interface; sync delivery (dedup,
//     conversation state, the send ledger), and the Engine interface that
//     async delivery implements.
//   - store: the storage contracts (Queue, DedupStore, Locker, StateStore,
//     SendLedger) and their in-memory versions.
//   - delivery: async delivery, the Engine its WithAsync installs: the queue
//     consumed in chat order, bounded concurrency, retries, dead letters.
//   - contactcard: vCards read and written, phone numbers normalized.
//   - webhook: the receiver, one http.Handler per provider (echo as an
//     adapter): authentication, body limit, status codes, health and
//     readiness, and a Server that drains.
//   - provider/greenapi (WhatsApp, MAX, Telegram) and provider/aitu: each
//     a client that sends (a Provider), decodes webhooks (a
//     webhook.Source) and polls (a Poller); provider/greenapi/greenapitest
//     and provider/aitu/aitutest are fake servers of their APIs, like
//     net/http/httptest; provider/providertest is the contract every
//     provider's client runs.
//   - store/boltstore (one file, one machine) and store/redisstore
//     (several instances on one Redis): durable stores; store/storetest is
//     the conformance suite every store runs.
//   - middleware: Recover, Logger, Allow and Deny, RateLimit, Timeout.
//   - cardbottest: the test kit of a bot: a recording Provider, updates
//     of every kind, a handler run on one update.
//   - sandbox: WhatsApp, MAX, Telegram and Aitu played on a web page, for
//     a bot with no account.
//   - prom: Prometheus metrics of what the bot observes; tracing:
//     OpenTelemetry spans of each update, handling and send.
//
// One update, from the provider and back:
//
//	provider --POST--> webhook: VerifyWebhook, body limit, DecodeWebhook
//	                     |  []Update (a Poller gets them by polling)
//	                     v
//	Bot.Dispatch --> dedup (sync) or Engine.Push (async: delivery's
//	                     |  queue, its workers per chat)
//	                     |  conversation held and its state loaded
//	                     v
//	middlewares --> route --> handler(c *Context)
//	                     |  c.Send, c.Reply, c.SendContact(card)
//	                     v
//	send ledger --> Provider.Send --HTTP--> provider API
//
// The webhook's answer (200, or 503 so that the provider delivers again)
// follows from Dispatch's error: see Delivery.
//
// # Routing
//
// Each update runs at most one handler, that of the most specific route
// that matches: a Command, then a Pattern or Match route, then the
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
// was. Bot.Dispatch takes each update a provider delivers: the entry
// point of the webhook receiver and of pollers.
//
// In sync mode (the default) Dispatch first deduplicates: when the update
// has a Key and a delivery with the same provider and key was handled
// before, Dispatch returns nil at once; when one is being handled right
// now, it returns store.ErrInFlight. Then it runs the middlewares and the handler
// and returns the handler's error; a key is remembered as handled only when
// its handler returned nil, so a delivery after a failure is handled again
// (WithDedupStore shares the keys between instances). The caller answers
// the provider by IsRetryable(err): retryable (503) so the provider
// delivers the update again, or not (200). Errors that are not retryable
// and panics, recovered here always as a *PanicError, also go to the error
// handler (WithErrorHandler); retryable ones are logged at level Warn. The
// handler's context.Context derives from Dispatch's ctx: it ends when ctx
// ends (the webhook receiver gives a ctx that does not end when the
// provider hangs up, but has a deadline), with the handler timeout, and
// when Shutdown gives up.
//
// In async mode (delivery.WithAsync, which installs an Engine: see
// WithEngine) Dispatch starts the bot when it was not (see Bot.Start),
// pushes the update to the engine's Queue and returns nil once the queue
// stored it, so the webhook answers 200. The queue is a store.MemoryQueue
// by default, or a durable one (store/boltstore on one machine,
// store/redisstore for several instances) that keeps what was
// acknowledged through a crash. A queue deduplicates by key, so a delivery
// of an update pushed before returns nil too. A failed push gives a
// retryable error (store.ErrQueueFull, store.ErrInFlight, ErrShuttingDown, or the
// queue's error made Retryable), so the provider delivers the update
// again.
//
// The engine's workers then handle the queued updates: those of one chat
// (provider and chat id) one at a time in the order they were pushed, those
// of different chats in parallel, at most delivery.Config.Concurrency at
// once. A handling that fails retryably is tried again after a wait, up to
// delivery.Config.MaxAttempts times in all, while the later updates of its
// chat wait; then the update goes to the queue's dead letters (listed,
// replayed and dropped by the queue itself: store.DeadLetterAdmin), and the
// error, wrapping ErrDeadLettered, to the error handler. Other errors and
// panics go to the error handler at once, and the update is done.
// Delivery is at least once per update: an update whose handling was cut
// short by a crash (or, on a shared queue, by the loss of its partition)
// is handled again, by this process after a restart or by another one; a
// crash never loses what was acknowledged. The handler's context.Context
// carries no value of Dispatch's ctx (the update may be handled by another
// process); it ends with the handler timeout, when Shutdown gives up, and
// when the queue gives the update's partition to another consumer (a send
// under way is not cancelled by that: see Context.Context).
//
// With conversation state (WithState), each update that has a
// conversation (see StateScope) is handled while it holds it, so the
// updates of one conversation run one at a time, in sync and async mode:
// within the process always; across instances when StateConfig.Locker is
// shared by them, or, in async mode, when a partitioned queue gives each
// chat to one instance at a time. Once the conversation is held, its
// record is loaded (before routing); when the handler changed it and
// returned nil, it is saved before the conversation is given to the next
// update. An update that returns an error or panics saves nothing: a
// redelivery runs the same step again.
//
// Each save is a compare-and-set on the version loaded. What it
// guarantees, per conversation:
//
//   - A change is never lost to, nor applied over, a concurrent one: when
//     another handling saved meanwhile (instances without a shared
//     Locker, or a handling that could not renew its lease for
//     StateConfig.LockTTL), the save stores nothing and the update fails
//     with store.ErrStateConflict, which is retryable: sync mode answers 503 so
//     the provider delivers it again, async mode tries it again. It then
//     runs again on the state that won; what its handler sent before the
//     conflict is not sent again when it sends the same at the same
//     position (see the send ledger below).
//   - An async handling whose delivery was handed to another consumer
//     meanwhile (Delivery.Owned ended) saves nothing and fails retryably;
//     the new owner handles the update.
//   - The saved record names its update (provider and Key), so an update
//     delivered again after its save (a crash before the dedup mark or the
//     queue's acknowledgement) runs neither middlewares nor handler, and
//     succeeds.
//
// So with one instance, or several that share a Locker (or partition
// ownership) and reach it while they handle, the handler of each keyed
// update runs once per successful save, across crashes after the save;
// a crash before it runs the handler again, as at-least-once delivery
// does. A wait for the conversation longer than StateConfig.LockWait
// fails with ErrChatBusy (retryable), and a failing store.StateStore or Locker
// with a retryable error that wraps the store's.
//
// A handling that runs again for the same update does not repeat its
// sends. Every send of a handling (Context.Send, Reply, SendContact,
// SendFile, SendVCard, SendOutgoing, SendKeyed) goes through the bot's
// send ledger (a store.SendLedger: WithSendLedger; by default the ledger of the configured
// store, see store.LedgerSource, else one in memory). Once the provider took a
// send, the bot records its result under the update (its provider and
// Key) and its slot: its position in the handling (the n-th send), or the
// key given to SendKeyed. When the same update is handled again, each
// send whose slot has a record (at a position, for the same chat and
// content) is skipped and its recorded result returned. The records go
// when the update is handled for good (its handler returned nil or an
// error that is not retryable, and sync mode remembered its key or async
// mode acknowledged it); otherwise they last the ledger's TTL
// (DefaultLedgerTTL) from the last send, so that a dead letter replayed
// within it skips them too. In short: exactly once per send for every
// retry the bot makes (and the provider's redelivery after a 503); at
// least once only for a send in flight at a crash. What this guarantees,
// for an update with a Key whose handler makes the same sends in the same
// order each time:
//
//   - Exactly once per send across every retry the bot makes (async
//     delivery's next attempt, a conflict's), every delivery of the
//     provider after a 503, and, with a ledger that several instances or
//     restarts share (boltstore, redisstore), every handling of the
//     update by another instance or after a restart.
//   - At least once only for a send in flight at a crash: written to the
//     provider, and not yet recorded when the process died. The next
//     handling makes it again.
//   - A send whose record the ledger failed to store is logged, returned
//     as made, and made again by a later handling. A ledger that cannot
//     be read fails the send with a retryable error before the provider
//     is called.
//
// An update without a Key, and Bot.Send, keep no ledger.
//
// Bot.Shutdown drains. Panics are always recovered and reported to the
// error handler as a *PanicError.
//
// # Conversations
//
// WithState keeps a state per conversation: a state name and a small data
// record (JSON), per chat, per user in a chat, or per user (StateScope),
// in a store.StateStore: in memory by default, store/boltstore on one machine,
// store/redisstore for several instances. Handlers read and change it
// through the Context (State, SetState, ClearState, GetData, SetData);
// InState routes and Scenes (a state with Enter and Leave hooks) match
// only in their state. The updates of a conversation are handled one at
// a time, each on the state the previous one saved; a handling that fails
// saves nothing; see Delivery for what holds across instances.
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
