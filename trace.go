package cardbot

import "context"

// Tracer starts the spans of a bot's work, for distributed tracing. Set
// one with WithTracer; the package github.com/cardbot/cardbot/tracing
// implements it with OpenTelemetry. A delivered update makes a tree of
// spans:
//
//   - receive: Dispatch, from the webhook (or poller) that delivered the
//     update until it was deduplicated, handled (sync delivery) or stored
//     in the queue (async delivery);
//   - handle: one handling of the update by its handler chain, a child of
//     receive; in async mode one per attempt, in this process or another;
//   - send: one send of the handler, a child of handle.
//
// In async mode the handling runs later, maybe in another process:
// Dispatch asks Inject for the trace context of the receive span and keeps
// it in Update.Trace, which the queue stores with the update; StartHandle
// finds it there.
type Tracer interface {
	// StartReceive starts the span of one delivery of u, a child of ctx's
	// span when it has one. It returns the context Dispatch goes on with
	// and the func that ends the span with Dispatch's error.
	StartReceive(ctx context.Context, u *Update) (context.Context, func(err error))
	// Inject returns the trace context of ctx as text (W3C traceparent
	// and tracestate), or nil when ctx has none.
	Inject(ctx context.Context) map[string]string
	// StartHandle starts the span of one handling of u, a child of ctx's
	// span, or else of the context u.Trace carries. It returns the context
	// the handler runs in and the func that ends the span with the route
	// that ran ("" for none) and the handler's error.
	StartHandle(ctx context.Context, u *Update) (context.Context, func(route string, err error))
	// StartSend starts the span of one send of method ("text", "contact")
	// to provider. It returns the context the send runs in and the func
	// that ends the span with the send's error.
	StartSend(ctx context.Context, provider, method string) (context.Context, func(err error))
}
