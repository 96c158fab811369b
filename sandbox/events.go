package sandbox

import (
	"sync"
	"time"
)

// Event kinds, the "kind" of an Event.
const (
	// KindMessage is a message a sandbox user wrote (data: MessageData).
	KindMessage = "message"
	// KindReply is a message the bot sent (data: Reply).
	KindReply = "reply"
	// KindWebhook is a webhook delivered to the bot (data: WebhookData).
	KindWebhook = "webhook"
	// KindCall is a call the bot made to the messenger's API (data:
	// CallData).
	KindCall = "call"
	// KindFaults is a change of the faults set for a messenger (data:
	// Faults).
	KindFaults = "faults"
)

// Event is one thing that happened in the sandbox, as the page's event
// stream sends it.
type Event struct {
	// ID grows by one per event; the stream's "id:" field.
	ID int64 `json:"id"`
	// Kind is one of KindMessage, KindReply, KindWebhook, KindCall,
	// KindFaults.
	Kind string `json:"kind"`
	// Messenger is where it happened.
	Messenger Messenger `json:"messenger"`
	// Time is when.
	Time time.Time `json:"time"`
	// Data depends on Kind.
	Data any `json:"data"`
}

// subscriberBuffer is how many events a slow page may lag behind before
// its stream is ended (it reconnects and replays from its last event).
const subscriberBuffer = 256

// hub keeps the last events and fans new ones out to the open streams.
type hub struct {
	mu     sync.Mutex
	next   int64
	log    []Event // the last max events, oldest first
	max    int
	subs   map[chan Event]struct{}
	closed bool
}

func newHub(max int) *hub {
	return &hub{next: 1, max: max, subs: map[chan Event]struct{}{}}
}

// publish records an event and sends it to every stream; a stream that
// cannot take it is dropped (its channel closed).
func (h *hub) publish(kind string, m Messenger, data any) Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := Event{ID: h.next, Kind: kind, Messenger: m, Time: time.Now().UTC(), Data: data}
	h.next++
	if h.closed {
		return e
	}
	h.log = append(h.log, e)
	if len(h.log) > h.max {
		h.log = append(h.log[:0:0], h.log[len(h.log)-h.max:]...)
	}
	for ch := range h.subs {
		select {
		case ch <- e:
		default:
			delete(h.subs, ch)
			close(ch)
		}
	}
	return e
}

// subscribe returns the events after id that are kept, and a channel of
// the new ones; the channel is closed when the hub closes or the
// subscriber falls behind. ok is false once the hub is closed.
func (h *hub) subscribe(after int64) (backlog []Event, ch chan Event, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false
	}
	for _, e := range h.log {
		if e.ID > after {
			backlog = append(backlog, e)
		}
	}
	ch = make(chan Event, subscriberBuffer)
	h.subs[ch] = struct{}{}
	return backlog, ch, true
}

// unsubscribe forgets ch, when it is still subscribed.
func (h *hub) unsubscribe(ch chan Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

// close ends every stream.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}
