// Package sandbox plays WhatsApp, MAX, Telegram and Aitu for any
// *cardbot.Bot, so that a bot runs on a laptop with no account at all.
//
// New starts a fake API for each messenger (package greenapitest for
// WhatsApp, MAX and Telegram, aitutest for Aitu), registers with the bot a provider
// client pointed at it, and Mount serves a page at /sandbox/ where one
// picks a messenger and a user, writes texts, shares contacts and uploads
// .vcf files, and sees the bot's answers as that messenger would show them,
// live, beside the raw webhooks delivered and every API call the bot made.
//
//	sb, err := sandbox.New(bot, sandbox.Config{})
//	if err != nil {
//		log.Fatal(err) // real credentials are set, for one
//	}
//	defer sb.Close()
//	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: "127.0.0.1:8080"})
//	sb.Mount(srv.Echo) // http://127.0.0.1:8080/sandbox/
//
// # Delivery
//
// A message written in the page (or posted to a curl route) becomes the
// webhook body the messenger would send, built by the fake, and is
// delivered in process to the provider's real webhook handler
// (webhook.EchoHandler): authentication, body limit, decoding, dedup and the
// answer's status code are those of production; no port is opened for it.
// The bot's answers go over HTTP to the fakes, through a transport of the
// sandbox that records every call and injects the faults the page asks for.
//
// # Curl routes
//
// Each messenger has the routes the echobot's README uses:
//
//	POST /sandbox/<messenger>/text     the body is the text
//	POST /sandbox/<messenger>/contact  the body is a vCard, shared as a contact
//	POST /sandbox/<messenger>/vcf      the body is a .vcf file, uploaded
//	GET  /sandbox/<messenger>/sent     every answer of the bot so far
//
// with <messenger> "whatsapp", "max", "telegram" or "aitu". The POST routes answer with
// the messages the bot sent while handling it, as a JSON array of Reply.
// They write as the first user in a private chat; ?user=<id>&chat=group
// picks another user, and the group.
//
// The page uses these too, and more:
//
//	POST /sandbox/<messenger>/again    deliver the last webhook once more
//	POST /sandbox/<messenger>/fault    a FaultRequest: {"fail":429}, {"fail":500,"count":2},
//	                                   {"slow":true}, {"clear":true}
//	GET  /sandbox/api/events           server-sent Events (Last-Event-ID replays)
//	GET  /sandbox/api/setup            messengers, users and chat ids
//	GET  /sandbox/api/state            ?messenger=&chat=: Config.State's answer
//
// Deliveries are made one at a time, so that an answer holds the replies of
// its own message; a slowed API slows the next messages too.
//
// # Faults
//
// The faults are played by the sandbox's transport, in front of the fakes,
// not by the fakes' own FailNext: that fails whatever call comes next (MAX's
// getContacts, a .vcf download), while the page promises the next send.
// The provider's client does what it does in production: a 429 (sent with
// Retry-After: 1) says the send was not taken, so the client tries it
// again and the API panel shows the failure and the retry; a 500 may come
// after the provider took the send, so the client does not send it twice,
// the handler fails retryably and the webhook answers 503, as it does when
// a 429 outlasts the retries; "deliver again" then gets the answer out.
//
// # Safety
//
// New refuses to start when any variable of CredentialVariables is set
// (ErrRealCredentials): a bot with real credentials may forward what the
// sandbox makes up to real people (Bot.Send reaches every provider). The
// routes Mount adds answer only requests from a loopback address without
// proxy headers (X-Forwarded-For, Forwarded, X-Real-IP), whose Host is a
// loopback name (localhost, 127.0.0.0/8 or [::1], any port: a page whose
// own name an attacker made resolve to 127.0.0.1, DNS rebinding, sends its
// own name), unless Config.AllowRemote is set; anyone who reaches them can
// speak as any user. And they refuse, always, a POST from another site's
// page (cross-site request forgery): one whose Sec-Fetch-Site is not
// same-origin or none, or whose Origin is not the Host it was sent to.
// curl, which sends neither header, is served. Each refusal is logged, at
// most a burst of five lines and then one a second.
//
// # Conversation state
//
// The page has a panel for the state of the chat shown: of a bot that
// keeps one per chat (cardbot.WithState), its state's name and data, read
// after every answer (BotState); of another, what Config.State returns
// (see StateSource); else it says that no state is available.
package sandbox
