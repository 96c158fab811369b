// Package tracing traces a cardbot.Bot with OpenTelemetry: a span for
// each update delivered (cardbot.receive), for each handling of it
// (cardbot.handle) and for each send of its handler (cardbot.send), with
// the trace context carried through the async queue, so that a handling
// in another process joins the trace of the webhook that delivered the
// update.
//
//	bot := cardbot.New(cardbot.WithTracer(tracing.New(tracing.Config{TracerProvider: tp})))
//
// The spans' attributes are the provider, the update's kind, the route that
// ran and the send's method, never a chat id, a phone number, a text or a
// token. A failed span records its error as the error says it (the
// providers' errors redact their tokens).
package tracing

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/cardbot/cardbot"
)

// ScopeName is the instrumentation scope of the spans.
const ScopeName = "github.com/cardbot/cardbot/tracing"

// Span names.
const (
	SpanReceive = "cardbot.receive"
	SpanHandle  = "cardbot.handle"
	SpanSend    = "cardbot.send"
)

// Attribute keys of the spans.
const (
	AttrProvider   = attribute.Key("cardbot.provider")
	AttrUpdateKind = attribute.Key("cardbot.update.kind")
	AttrRoute      = attribute.Key("cardbot.route")
	AttrMethod     = attribute.Key("cardbot.send.method")
	AttrAsync      = attribute.Key("cardbot.async")
)

// Config configures a Tracer. The zero value uses OpenTelemetry's global
// tracer provider and the W3C trace context propagator.
type Config struct {
	// TracerProvider makes the tracer; otel.GetTracerProvider() when nil.
	TracerProvider trace.TracerProvider
	// Propagator writes and reads the trace context kept with a queued
	// update; propagation.TraceContext{} when nil.
	Propagator propagation.TextMapPropagator
}

// Tracer is a cardbot.Tracer on OpenTelemetry. It is safe for concurrent
// use.
type Tracer struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

var _ cardbot.Tracer = (*Tracer)(nil)

// New returns a Tracer.
func New(cfg Config) *Tracer {
	tp := cfg.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	prop := cfg.Propagator
	if prop == nil {
		prop = propagation.TraceContext{}
	}
	return &Tracer{tracer: tp.Tracer(ScopeName), prop: prop}
}

// StartReceive starts the cardbot.receive span of one delivery of u.
func (t *Tracer) StartReceive(ctx context.Context, u *cardbot.Update) (context.Context, func(error)) {
	ctx, span := t.tracer.Start(ctx, SpanReceive, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(AttrProvider.String(u.Provider), AttrUpdateKind.String(u.Kind.String())))
	return ctx, func(err error) { end(span, err) }
}

// Inject returns the trace context of ctx as text, or nil.
func (t *Tracer) Inject(ctx context.Context) map[string]string {
	carrier := propagation.MapCarrier{}
	t.prop.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	return carrier
}

// StartHandle starts the cardbot.handle span of one handling of u: a child
// of ctx's span, or of the trace context the queue kept in u.Trace.
func (t *Tracer) StartHandle(ctx context.Context, u *cardbot.Update) (context.Context, func(string, error)) {
	async := !trace.SpanContextFromContext(ctx).IsValid() && len(u.Trace) > 0
	kind := trace.SpanKindInternal
	if async {
		ctx = t.prop.Extract(ctx, propagation.MapCarrier(u.Trace))
		kind = trace.SpanKindConsumer
	}
	ctx, span := t.tracer.Start(ctx, SpanHandle, trace.WithSpanKind(kind),
		trace.WithAttributes(AttrProvider.String(u.Provider), AttrUpdateKind.String(u.Kind.String()), AttrAsync.Bool(async)))
	return ctx, func(route string, err error) {
		if route != "" {
			span.SetAttributes(AttrRoute.String(route))
		}
		end(span, err)
	}
}

// StartSend starts the cardbot.send span of one send.
func (t *Tracer) StartSend(ctx context.Context, provider, method string) (context.Context, func(error)) {
	ctx, span := t.tracer.Start(ctx, SpanSend, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(AttrProvider.String(provider), AttrMethod.String(method)))
	return ctx, func(err error) { end(span, err) }
}

// end records err, when there is one, and ends span.
func end(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
