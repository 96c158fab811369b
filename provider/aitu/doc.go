// Package aitu is cardbot's provider for the Aitu Bot API
// (https://btsdigital.github.io/bot-api-contract/): a Client sends texts
// (SendMessage), contact cards (SendContactMessage) and files (upload/,
// then SendMessage with a mediaList), downloads files, decodes webhooks,
// and manages the bot's webhook; a Poller feeds the bot by long polling
// for bots without a public URL.
//
//	c, err := aitu.New(aitu.Config{Token: os.Getenv("AITU_BOT_TOKEN")})
//
// # Chats
//
// Aitu addresses a dialog by its peer type and UUID together, so a chat id
// is "<PEERTYPE>:<uuid>": "USER:…", "GROUP:…", "CHANNEL:…" (ChatID,
// ParseChatID). Updates carry their dialog's id in that form, so replies
// keep the peer type; Send refuses a bare UUID.
//
// # Sent messages
//
// Aitu answers a command with 200 and no id. Every command the client
// sends carries a new localId, which Send returns as SentMessage.ID; the
// MessageIdAssigned update that follows becomes a cardbot.KindStatus
// update with that localId as Status.MessageID and Aitu's message id as
// Status.Description, in the chat the command went to.
//
// # Files
//
// A cardbot.File is sent in two steps: POST upload/, a multipart form
// whose field "file" carries the name, the content type (File.MediaType)
// and the bytes, answered with {"uploadedFiles":[{"fileId","fileName"}]};
// then a SendMessage whose mediaList holds {fileId, name, mediaType:
// "DOCUMENT"} and whose content is the caption ("" when there is none).
// The upload sends nothing to a chat, so it is retried like a read; the
// SendMessage is a send, attempted at most once once it may have reached
// Aitu (see Delivery). A failure of either step is a *FileError that
// names the step (StepUpload, StepSendMessage) and wraps the step's
// *APIError.
//
// The limits, checked before any request: at most Config.MaxFileSize
// bytes (DefaultMaxFileSize, 50 MiB: Aitu documents no limit, this one is
// cardbot's; the client is a cardbot.FileLimiter, so Bot.Send refuses a
// bigger file too), a plain file name, a content type that is a MIME
// type, a caption of at most MaxTextLength UTF-16 code units, a reply-to
// id that is a UUID. A refused file's error wraps ErrValidation and
// cardbot's ErrEmptyFile, ErrFileName, ErrContentType or ErrFileTooLarge.
//
// # Webhooks
//
// Aitu signs nothing and sends no secret, so VerifyWebhook accepts every
// request: the webhook URL carries an unguessable path segment instead
// (NewWebhookSecret), and the bot mounts its route on that exact path
// (webhook.Mount(e, "/webhook/aitu/"+secret, bot, client,
// webhook.Config{AllowUnauthenticated: true})), so that any other path
// gets 404. SetWebhook, GetWebhook and DeleteWebhook manage
// the URL; while one is set, polling fails with ErrWebhookSpecified.
//
// # Delivery
//
// Calls are retried with exponential backoff and jitter on 409, 429, 5xx
// (but 501) and network errors, honoring Retry-After, at most MaxRetries
// times and never past the context; nothing else is retried. Failures are
// *APIError values that errors.Is matches against ErrUnauthorized,
// ErrValidation, ErrWebhookSpecified, ErrConflict, ErrRateLimited,
// ErrTransient, ErrNotFound and ErrRedirected; the retryable ones report
// Retryable() true, so that a webhook answers 503.
//
// Sends are the exception: a send (POST updates/) is attempted at most
// once once its request may have reached the provider, unless
// Config.RetrySends is set. It is attempted again only when its request
// provably did not reach Aitu (the connection was refused, the host name
// did not resolve, the dial failed before any byte was written) or Aitu
// answered 429; after a timeout, a cut connection or a 5xx it fails at
// once with its retryable error, and whether the message went out is
// unknown. With RetrySends it is retried like every other call, and
// delivery is at-least-once per send: a message may arrive twice.
//
// The client follows no redirect, downloads included: the API never
// redirects, and a 3xx answer fails with ErrRedirected, so that the token
// never goes to another host.
//
// The token travels only in the X-BOT-TOKEN header. No error string and no
// log line of this package holds it: the server's text is searched for it
// and cut.
package aitu
