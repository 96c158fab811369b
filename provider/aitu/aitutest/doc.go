// Package aitutest is a fake Aitu Bot API on a loopback port, like
// net/http/httptest: for tests of bots and of package aitu, and as the
// echobot's sandbox when no Aitu token is configured.
//
// A Server checks every request as Aitu does (the X-BOT-TOKEN header, else
// 401; at most 10 commands; peer types and UUIDs; localId and content
// lengths) and records what it accepted. For each command with a localId it
// emits a MessageIdAssigned update: into its polling queue, or, while a
// webhook is set, posted to the webhook, as Aitu does (the two modes
// exclude each other). It serves GET updates/ (long polling, with
// lastUpdateId), webhook/ (set, get, delete), download/ for registered
// files, upload/ (Uploads; SentFiles joins them with SendMessage's
// mediaList), and getMe/. It can fail the next calls on demand (FailNext), and
// builds the updates a user's messages would produce (IncomingText,
// IncomingUnregisteredContact, IncomingRegisteredContact, IncomingDocument)
// to Enqueue for a poller or Push to a webhook.
//
//	srv := aitutest.NewServer()
//	defer srv.Close()
//	c, _ := aitu.New(srv.Config())
//	chat := aitu.ChatID(aitu.PeerUser, aitutest.NewUUID())
//	srv.Enqueue(srv.IncomingText(aitutest.Incoming{ChatID: chat}, "/start"))
//
// Nothing in it needs a testing.T.
package aitutest
