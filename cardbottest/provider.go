package cardbottest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/cardbot/cardbot"
)

// DefaultProvider is the name of a Provider made with an empty name.
const DefaultProvider = "test"

// Sent is one message a Provider sent.
type Sent struct {
	// Chat is the chat id it was sent to.
	Chat string
	// Out is what was sent: a cardbot.Text, cardbot.Contact or
	// cardbot.File.
	Out cardbot.Outgoing
}

// Text returns the body of a cardbot.Text, the caption of a cardbot.File,
// and "" for anything else.
func (s Sent) Text() string {
	switch o := s.Out.(type) {
	case cardbot.Text:
		return o.Body
	case cardbot.File:
		return o.Caption
	}
	return ""
}

// SendFunc is a hook a Provider calls on each Send before it records it;
// an error it returns fails the send, which is then not recorded. It may
// block, watch ctx, print or count.
type SendFunc func(ctx context.Context, chatID string, out cardbot.Outgoing) error

// Provider is a cardbot.Provider that records what a bot sends through
// it, as httptest.ResponseRecorder records a handler's response. It also
// implements cardbot.Downloader (serving the files given to AddFile),
// cardbot.RegionHinter (SetRegion), cardbot.FileLimiter (SetMaxFileSize)
// and cardbot.TextLimiter (SetTextLimit); with their zero values these
// change nothing, and SendOnly gives a provider that implements none of
// them. It is safe for concurrent use. The zero Provider is ready to use,
// named DefaultProvider; it may be embedded in a test's own provider that
// adds what the kit does not do (a webhook's decoding).
type Provider struct {
	name string

	mu        sync.Mutex
	sent      []Sent
	attempts  int
	fail      error // every send fails with it
	failAfter int   // when failLater is set: sends after this many fail
	failLater error
	hook      SendFunc
	files     map[string]string
	downloads int
	region    string
	maxFile   int64
	textLimit cardbot.TextLimit
}

var (
	_ cardbot.Provider     = (*Provider)(nil)
	_ cardbot.Downloader   = (*Provider)(nil)
	_ cardbot.RegionHinter = (*Provider)(nil)
	_ cardbot.FileLimiter  = (*Provider)(nil)
	_ cardbot.TextLimiter  = (*Provider)(nil)
)

// NewProvider returns a Provider named name (DefaultProvider when empty)
// that sends successfully.
func NewProvider(name string) *Provider {
	return &Provider{name: name}
}

// Name returns the provider's name.
func (p *Provider) Name() string {
	if p.name == "" {
		return DefaultProvider
	}
	return p.name
}

// Send records out as sent to chatID and reports the id "sent-" +
// chatID, unless the provider was told to fail (FailSends, FailAfter) or
// its OnSend hook returns an error: the send then fails with that error
// and is not recorded.
func (p *Provider) Send(ctx context.Context, chatID string, out cardbot.Outgoing) (cardbot.SentMessage, error) {
	p.mu.Lock()
	hook := p.hook
	p.mu.Unlock()
	if hook != nil {
		if err := hook(ctx, chatID, out); err != nil {
			return cardbot.SentMessage{}, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attempts++
	if p.fail != nil {
		return cardbot.SentMessage{}, p.fail
	}
	if p.failLater != nil && len(p.sent) >= p.failAfter {
		return cardbot.SentMessage{}, p.failLater
	}
	p.sent = append(p.sent, Sent{Chat: chatID, Out: out})
	return cardbot.SentMessage{ID: "sent-" + chatID}, nil
}

// Sent returns the messages sent so far, in order.
func (p *Provider) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Sent(nil), p.sent...)
}

// Texts returns the Text of each message sent so far, in order.
func (p *Provider) Texts() []string {
	var out []string
	for _, s := range p.Sent() {
		out = append(out, s.Text())
	}
	return out
}

// Attempts returns how many sends reached the provider past its OnSend
// hook, failed ones included.
func (p *Provider) Attempts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.attempts
}

// Reset forgets the messages sent and the attempts made; what the
// provider was told to do stays.
func (p *Provider) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent, p.attempts = nil, 0
}

// FailSends makes every send fail with err from now on; nil makes them
// succeed again. Wrap err with cardbot.Retryable for a failure the bot
// may retry (a 429, a 5xx), as a real provider's would be.
func (p *Provider) FailSends(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail = err
}

// FailAfter lets n more sends succeed and makes the ones after them fail
// with err; a nil err undoes it.
func (p *Provider) FailAfter(n int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failAfter, p.failLater = len(p.sent)+max(n, 0), err
}

// OnSend sets the hook that each Send calls first (nil for none).
func (p *Provider) OnSend(f SendFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hook = f
}

// AddFile makes Download serve content for documents named name
// (Document.FileName).
func (p *Provider) AddFile(name, content string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files == nil {
		p.files = make(map[string]string)
	}
	p.files[name] = content
}

// Download serves the content given to AddFile for the document's
// FileName; a document it was not given fails with an error that says so.
func (p *Provider) Download(_ context.Context, doc cardbot.Document) (io.ReadCloser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.downloads++
	content, ok := p.files[doc.FileName]
	if !ok {
		return nil, fmt.Errorf("cardbottest: no file %q", doc.FileName)
	}
	return io.NopCloser(strings.NewReader(content)), nil
}

// Downloads returns how many times Download was called.
func (p *Provider) Downloads() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.downloads
}

// SetRegion sets the region DefaultRegion returns ("KZ"); "" is none.
func (p *Provider) SetRegion(region string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.region = region
}

// DefaultRegion returns the region SetRegion set: "" unless told.
func (p *Provider) DefaultRegion() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.region
}

// SetMaxFileSize sets the cap MaxFileSize returns; 0 is none.
func (p *Provider) SetMaxFileSize(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.maxFile = n
}

// MaxFileSize returns the cap SetMaxFileSize set: 0 (none) unless told.
func (p *Provider) MaxFileSize() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxFile
}

// SetTextLimit sets the limit TextLimit returns.
func (p *Provider) SetTextLimit(l cardbot.TextLimit) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.textLimit = l
}

// TextLimit returns the limit SetTextLimit set: none unless told.
func (p *Provider) TextLimit() cardbot.TextLimit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.textLimit
}

// SendOnly returns a cardbot.Provider that sends and records through p
// but implements none of the optional interfaces: a provider that cannot
// download, hints no region and caps nothing.
func (p *Provider) SendOnly() cardbot.Provider { return sendOnly{p} }

// sendOnly hides the optional interfaces of a Provider.
type sendOnly struct{ p *Provider }

func (s sendOnly) Name() string { return s.p.Name() }

func (s sendOnly) Send(ctx context.Context, chatID string, out cardbot.Outgoing) (cardbot.SentMessage, error) {
	return s.p.Send(ctx, chatID, out)
}
