// Package greenapi is cardbot's provider for GREEN-API
// (https://green-api.com): WhatsApp through an instance's HTTP API, MAX
// through its "/v3" API (Config.Messenger = MAX), and Telegram
// (Config.Messenger = Telegram).
//
// A Client sends texts (sendMessage), contact cards (sendContact) and
// files (sendFileByUpload), downloads files, and decodes and verifies the instance's webhooks; the
// webhook package mounts it, or a Poller feeds the bot through
// receiveNotification for bots without a public URL:
//
//	c, err := greenapi.New(greenapi.Config{
//		IDInstance:       "1101000001",
//		APITokenInstance: os.Getenv("GREENAPI_API_TOKEN_INSTANCE"),
//		WebhookToken:     os.Getenv("GREENAPI_WEBHOOK_TOKEN"),
//	})
//
// # MAX
//
// A MAX client calls "{APIURL}/v3/waInstance…" (the prefix is not doubled
// when APIURL already ends in "/v3"), is named "max", and sends texts of up
// to 4 000 characters. Chats are MAX chat ids, numbers as strings, negative
// for groups ("10000000", "-10000000000000"); a formatted phone number
// ("+7 900 123-45-67") is sent as its digits, for a first message. A
// contact is shared by its MAX chat id, and only a contact of the
// instance's contact base, as GREEN-API documents: the card's
// Accounts[contactcard.MessengerMAX] (which the decoder fills from MAX's
// contact messages) when the base holds it, else the chat id the base
// shows for the card's number, of any country. The base is read with
// getContacts into a bounded copy (see MAXContacts); a card not in it
// fails with a *NotOnMAXError, is added with addContact
// (MAXContacts.Add), or is sent as a .vcf file (MAXContacts.AsFile).
// CheckAccount asks checkAccount whether a number has a MAX account
// (Russian and Belarusian numbers only); its answers are cached, bounded
// and for a time, the negative ones too, since GREEN-API penalizes
// frequent checks of numbers without an account.
//
//	c, err := greenapi.New(greenapi.Config{
//		Messenger:        greenapi.MAX,
//		APIURL:           "https://3100.api.green-api.com",
//		IDInstance:       "3100000001",
//		APITokenInstance: os.Getenv("MAX_API_TOKEN_INSTANCE"),
//		WebhookToken:     os.Getenv("MAX_WEBHOOK_TOKEN"),
//	})
//
// # Telegram
//
// A Telegram client calls "{APIURL}/waInstance…" (no "/v3"), is named
// "telegram", and sends texts of up to 4 096 characters and captions of up
// to 1 024. Chats are Telegram chat ids, numbers as strings, negative for
// groups ("10000000", "-10000000000000"); a formatted phone number is sent
// as "<digits>@c.us", the form GREEN-API keeps on Telegram for phone
// numbers. A contact goes out as contact{phoneContact, firstName, lastName,
// company}: Telegram requires a first name and has no middle name. An
// incoming contactMessage carries the phone and names as fields; the
// decoder hands them on (VCardRef.Phone, FirstName, LastName) so that the
// card is made of them when the vcard is empty, and the contact's Telegram
// chat id in Accounts[contactcard.MessengerTelegram].
//
// # Instances
//
// Every notification names its instance (instanceData.idInstance) and its
// kind (instanceData.typeInstance: "whatsapp", "v3" for MAX, "telegram").
// The decoder refuses one of another instance or kind with a
// *WrongInstanceError (ErrWrongInstance, cardbot.ErrMisrouted), which the
// webhook receiver answers with 422: a route never answers a notification
// through the wrong API, and GREEN-API keeps delivering it until the
// instance's webhook points at its own route. SetWebhook does that
// pointing (setSettings with webhookUrl and webhookUrlToken).
//
// # Files
//
// A cardbot.File goes out with sendFileByUpload, a multipart form of
// chatId, file, fileName, caption and quotedMessageId, posted to
// Config.MediaURL (GREEN-API recommends its media host; APIURL by
// default). The limits, checked before any request: at most MaxFileSize
// bytes (GREEN-API's 100 MB, or less with Config.MaxFileSize, which also
// makes Bot.Send refuse bigger files: the client is a
// cardbot.FileLimiter); a name with an extension, since GREEN-API shows a
// file as an image, a video, audio or a document by its extension; a
// content type that is a MIME type (File.MediaType picks one when it is
// empty); a caption of at most MaxTextLength characters (GREEN-API
// documents that it shows under images and videos only). GREEN-API takes
// 50 such calls a second per instance and sends files from its queue at
// most one every 5 seconds. A refused file's error wraps ErrValidation and
// cardbot's ErrEmptyFile, ErrFileName, ErrContentType or ErrFileTooLarge.
//
// # Delivery
//
// Calls are retried with exponential backoff and jitter on 429, 499, 5xx
// (but 501) and network errors, honoring Retry-After, at most MaxRetries
// times and never past the context; nothing else is retried. Failures are
// *APIError values that errors.Is matches against ErrUnauthorized,
// ErrValidation, ErrRateLimited, ErrQuota, ErrTransient and ErrRedirected;
// the retryable ones report Retryable() true, so that a webhook answers
// 503 and GREEN-API delivers the update again.
//
// Sends are the exception: a send (sendMessage, sendContact,
// sendFileByUpload) is attempted at most once once its request may have
// reached the provider, unless Config.RetrySends is set. It is attempted
// again only when its request provably did not reach GREEN-API (the
// connection was refused, the host name did not resolve, the dial failed
// before any byte was written) or GREEN-API answered 429; after a timeout,
// a cut connection, 499 or 5xx it fails at once with its retryable error,
// and whether the message went out is unknown. With RetrySends it is
// retried like every other call, and delivery is at-least-once per send: a
// message may arrive twice. Either way, a handler whose send failed with a
// retryable error makes the webhook answer 503, and the handler runs again
// on redelivery.
//
// The client follows no redirect: the API never redirects, and a 3xx
// answer fails with ErrRedirected, so that no token goes to another host.
//
// The API token travels in the URL path. No error string and no log line
// of this package holds it, nor the webhook token: URLs are never kept in
// errors, and the server's text is searched for both tokens.
//
// # Hidden numbers (@lid)
//
// WhatsApp is replacing phone-based personal ids ("79001234567@c.us") with
// ids that hide the number ("120650379300963@lid"). A @lid chat is a
// private chat like any other: replies, conversation state, deduplication
// and partitions key on it, and Send takes it. Its Sender.Phone is empty,
// unless the notification carries the phone (senderData.senderPhoneNumber).
// To write first to a phone number, turn it into a chat id with GREEN-API's
// checkWhatsapp (its chatId answer), or pass the number and let Send make
// "<digits>@c.us" of it; GREEN-API offers no way back from a @lid to a
// phone number.
package greenapi
