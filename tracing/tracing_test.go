package tracing_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/cardbot/cardbot/tracing"
)

// echoProvider returns a provider whose sends succeed, except to chat
// "down".
func echoProvider() *cardbottest.Provider {
	p := cardbottest.NewProvider("fake")
	p.OnSend(func(_ context.Context, chat string, _ cardbot.Outgoing) error {
		if chat == "down" {
			return errors.New("the provider is down")
		}
		return nil
	})
	return p
}

func text(chat, s, key string) cardbot.Update {
	return cardbot.Update{Kind: cardbot.KindMessage, Key: key, Chat: cardbot.Chat{ID: chat},
		Message: &cardbot.Message{ID: key, Type: "textMessage", Text: s}}
}

func newTracer(t *testing.T) (*tracing.Tracer, *tracetest.SpanRecorder, trace.Tracer) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tracing.New(tracing.Config{TracerProvider: tp}), rec, tp.Tracer("test")
}

// byName returns the ended spans of name, in the order they ended.
func byName(rec *tracetest.SpanRecorder, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func attr(s sdktrace.ReadOnlySpan, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

func quietBot(opts ...cardbot.Option) *cardbot.Bot {
	return cardbot.New(append([]cardbot.Option{cardbot.WithErrorHandler(func(*cardbot.Context, error) {})}, opts...)...)
}

// Sync delivery: receive ⊃ handle ⊃ send, all in the webhook's trace.
func TestSyncSpans(t *testing.T) {
	tr, rec, test := newTracer(t)
	bot := quietBot(cardbot.WithTracer(tr))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
	p := echoProvider()

	ctx, parent := test.Start(context.Background(), "webhook")
	require.NoError(t, bot.Dispatch(ctx, p, text("c1", "hello", "k1")))
	require.Error(t, bot.Dispatch(ctx, p, text("down", "hello", "k2")))
	parent.End()

	receive, handle, send := byName(rec, tracing.SpanReceive), byName(rec, tracing.SpanHandle), byName(rec, tracing.SpanSend)
	require.Len(t, receive, 2)
	require.Len(t, handle, 2)
	require.Len(t, send, 2)
	for i := range 2 {
		assert.Equal(t, parent.SpanContext().SpanID(), receive[i].Parent().SpanID(), "receive is the webhook's child")
		assert.Equal(t, receive[i].SpanContext().SpanID(), handle[i].Parent().SpanID(), "handle is receive's child")
		assert.Equal(t, handle[i].SpanContext().SpanID(), send[i].Parent().SpanID(), "send is handle's child")
		assert.Equal(t, parent.SpanContext().TraceID(), send[i].SpanContext().TraceID())
		assert.Equal(t, "OnText", attr(handle[i], tracing.AttrRoute).AsString())
		assert.Equal(t, "fake", attr(receive[i], tracing.AttrProvider).AsString())
		assert.Equal(t, "message", attr(receive[i], tracing.AttrUpdateKind).AsString())
		assert.Equal(t, "text", attr(send[i], tracing.AttrMethod).AsString())
		assert.False(t, attr(handle[i], tracing.AttrAsync).AsBool())
	}
	assert.Equal(t, codes.Unset, send[0].Status().Code)
	assert.Equal(t, codes.Error, send[1].Status().Code, "the failed send")
	assert.Equal(t, codes.Error, handle[1].Status().Code, "its handler returned the error")
	assert.Equal(t, codes.Error, receive[1].Status().Code)
	for _, s := range rec.Ended() {
		for _, kv := range s.Attributes() {
			assert.NotContains(t, kv.Value.String(), "c1", "no chat id in %s's %s", s.Name(), kv.Key)
			assert.NotContains(t, kv.Value.String(), "hello", "no text in %s's %s", s.Name(), kv.Key)
		}
	}
}

// Async delivery: the handling, later and on a worker, joins the trace of
// the receive span through the context the queue kept; through a durable
// queue too, where the update is encoded.
func TestAsyncSpans(t *testing.T) {
	tests := []struct {
		name  string
		queue func(t *testing.T) store.Queue
	}{
		{"memory", func(*testing.T) store.Queue { return nil }},
		{"file", func(t *testing.T) store.Queue {
			db, err := boltstore.Open(filepath.Join(t.TempDir(), "bot.db"), boltstore.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			return db.Queue()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, rec, test := newTracer(t)
			handled := make(chan struct{}, 1)
			bot := quietBot(cardbot.WithTracer(tr), delivery.WithAsync(delivery.Config{Queue: tt.queue(t)}))
			bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
				defer func() { handled <- struct{}{} }()
				return c.Send(c.Text())
			})
			ctx, parent := test.Start(context.Background(), "webhook")
			require.NoError(t, bot.Dispatch(ctx, echoProvider(), text("c1", "hello", "k1")))
			parent.End()
			select {
			case <-handled:
			case <-time.After(5 * time.Second):
				t.Fatal("not handled")
			}
			require.NoError(t, bot.Shutdown(context.Background()))

			receive, handle, send := byName(rec, tracing.SpanReceive), byName(rec, tracing.SpanHandle), byName(rec, tracing.SpanSend)
			require.Len(t, receive, 1)
			require.Len(t, handle, 1)
			require.Len(t, send, 1)
			assert.Equal(t, parent.SpanContext().TraceID(), handle[0].SpanContext().TraceID(), "one trace across the queue")
			assert.Equal(t, receive[0].SpanContext().SpanID(), handle[0].Parent().SpanID(), "handle is receive's child")
			assert.True(t, handle[0].Parent().IsRemote(), "its parent came through the queue")
			assert.Equal(t, trace.SpanKindConsumer, handle[0].SpanKind())
			assert.True(t, attr(handle[0], tracing.AttrAsync).AsBool())
			assert.Equal(t, handle[0].SpanContext().SpanID(), send[0].Parent().SpanID())
		})
	}
}

func TestInject(t *testing.T) {
	tr, _, test := newTracer(t)
	assert.Nil(t, tr.Inject(context.Background()), "no span, no context")
	ctx, span := test.Start(context.Background(), "x")
	defer span.End()
	got := tr.Inject(ctx)
	require.Contains(t, got, "traceparent")
	assert.Contains(t, got["traceparent"], span.SpanContext().TraceID().String())
}
