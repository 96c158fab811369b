// Package webhook receives providers' webhooks and hands the updates to a
// cardbot.Bot.
//
// NewHandler makes a provider's route an http.Handler, to mount on
// net/http's ServeMux, chi or any router; Mount adds the same route to an
// echo application you already run (the plugin use); Server is a
// standalone server with its own timeouts, a /healthz route and a Shutdown
// that drains. Either way, one route serves
// one provider, and its answers tell the provider what to do next (a
// route whose provider would let in a request without credentials, such as
// a GREEN-API client without its WebhookToken, is refused with
// ErrUnauthenticated unless Config.AllowUnauthenticated says otherwise):
//
//	401 Unauthorized         the provider's webhook authentication failed
//	                         (GREEN-API: a wrong or missing Bearer token)
//	400 Bad Request          the body is not what the provider sends
//	                         (cardbot.ErrMalformedUpdate); delivering it
//	                         again cannot help
//	422 Unprocessable Entity  the update is meant for another instance of
//	                         the provider (cardbot.ErrMisrouted: a
//	                         GREEN-API notification whose typeInstance or
//	                         idInstance is not the route's client's); it is
//	                         not handled, and the provider delivers it
//	                         again until its webhook URL points at the
//	                         right route
//	413 Request Entity Too Large  the body is over the limit (1 MiB)
//	503 Service Unavailable  a retryable failure (cardbot.IsRetryable): a
//	                         handler asked for it, a send hit a transient
//	                         provider error, the queue is full, the bot is
//	                         shutting down; the provider delivers it again
//	200 OK                   everything else, including handler errors that
//	                         are not retryable (they go to the bot's error
//	                         handler) and updates of unknown types
package webhook
