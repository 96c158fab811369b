package cardbot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
)

// Context is the handling of one update: the update, the provider that
// delivered it, a context.Context, replies, and values that middlewares and
// handlers share. The dispatcher makes one per update; tests get one from
// cardbottest.NewContext. A Context is not safe for use by several
// goroutines at once, and must not be kept after the handler returned.
type Context struct {
	ctx      context.Context
	life     lifeContext // ctx points here when nothing but Shutdown can cancel
	bot      *Bot
	provider Provider
	update   *Update

	route   string   // the route whose chain runs, as its String says
	payload string   // command arguments
	args    []string // strings.Fields(payload), made on demand
	match   []string // submatches of a pattern route

	cards     []contactcard.Card
	cardsErr  error
	cardsOK   bool
	sendCount int // sends made, against Limits.MaxSends

	values map[string]any

	conv    *conversation // nil when the bot keeps no state for the update, else &convVal
	convVal conversation

	sends sendLog         // the update's send ledger, as this handling knows it
	lease context.Context // async: Delivery.Owned, which the handling's context ends with; nil for none
}

// newContext returns the Context for handling u, delivered by p, within
// ctx. b may be nil in tests; the Context then uses the defaults of New
// for the region and the document size cap.
func newContext(ctx context.Context, b *Bot, p Provider, u *Update) *Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if u == nil {
		u = &Update{}
	}
	return &Context{ctx: ctx, bot: b, provider: p, update: u}
}

// Context returns the context.Context of the handling. It is cancelled when
// the handler timeout (WithHandlerTimeout) passes and when Shutdown gives
// up waiting. In sync mode it also ends with the ctx given to Dispatch:
// the webhook receiver's ends at its timeout (webhook.Config.Timeout), not
// when the provider hangs up. In async mode it carries no value of that
// ctx, and ends when the queue gives the update's partition to another
// consumer; a send under way then is not cancelled (its request may have
// reached the provider), and a send started after it fails with a
// retryable error before any request. See Bot.Dispatch.
func (c *Context) Context() context.Context { return c.ctx }

// SetContext replaces the context.Context of the handling, for middlewares
// that derive one (a deadline, a value). Middlewares that set it should
// restore the previous one when their handler returned. It panics on a nil
// ctx.
func (c *Context) SetContext(ctx context.Context) {
	if ctx == nil {
		panic("cardbot: SetContext with a nil context.Context")
	}
	c.ctx = ctx
}

// Bot returns the bot handling the update.
func (c *Context) Bot() *Bot { return c.bot }

// Provider returns the provider that delivered the update.
func (c *Context) Provider() Provider { return c.provider }

// Update returns the update. Handlers must not change it.
func (c *Context) Update() *Update { return c.update }

// Message returns the update's message, or nil when it has none (a status,
// a system event). Edits, deletions, reactions and poll votes have one: see
// Update.Message.
func (c *Context) Message() *Message { return c.update.Message }

// Chat returns the chat of the update.
func (c *Context) Chat() Chat { return c.update.Chat }

// Sender returns who caused the update.
func (c *Context) Sender() User { return c.update.Sender }

// Text returns the message's text or caption; "" when there is none.
func (c *Context) Text() string {
	if m := c.update.Message; m != nil {
		return m.Text
	}
	return ""
}

// Payload returns the text after the command, trimmed, when a Command route
// matched ("/start ref 42" gives "ref 42"); "" otherwise.
func (c *Context) Payload() string { return c.payload }

// Args returns the words of Payload ("/start ref 42" gives ["ref" "42"]);
// nil when there are none.
func (c *Context) Args() []string {
	if c.args == nil && c.payload != "" {
		c.args = strings.Fields(c.payload)
	}
	return c.args
}

// Submatches returns the submatches of the Pattern route that matched
// the text, the whole match first; nil for other routes.
func (c *Context) Submatches() []string { return c.match }

// Get returns the value Set stored under key, or nil.
func (c *Context) Get(key string) any { return c.values[key] }

// Set stores a value under key for the rest of the handling.
func (c *Context) Set(key string, v any) {
	if c.values == nil {
		c.values = make(map[string]any)
	}
	c.values[key] = v
}

// Send sends a text to the update's chat through the provider that
// delivered the update.
func (c *Context) Send(text string) error {
	_, err := c.SendOutgoing(Text{Body: text})
	return err
}

// Reply sends a text to the update's chat that quotes the update's message.
// For an update about an earlier message it quotes that message: the
// message an edit replaced, the one a reaction or a poll vote is about; a
// reply to a deletion quotes nothing, the message being gone.
func (c *Context) Reply(text string) error {
	_, err := c.SendOutgoing(Text{Body: text, ReplyTo: c.messageID()})
	return err
}

// SendContact sends card to the update's chat. A card without a number that
// normalized fails before the provider is called, with an error that wraps
// ErrNoUsableNumber and the first phone's Err: errors.Is(err,
// contactcard.ErrInvalidPhone) and errors.As(err, *contactcard.PhoneError)
// tell which number was rejected and why.
func (c *Context) SendContact(card contactcard.Card) error {
	_, err := c.SendOutgoing(Contact{Card: card})
	return err
}

// SendOutgoing sends out to the update's chat and returns what the provider
// reports about the sent message. Every send of a Context (Send, Reply,
// SendContact, SendFile, SendVCard) comes here.
//
// A bot's sends go through its send ledger (see store.SendLedger): each send of
// a handling is named by its position (the n-th send of the handling, not
// counting those of SendKeyed), and when an earlier handling of the same
// update (same provider and Key) completed the send at that position to
// the same chat with the same content, it is not made again: its recorded
// result is returned. A send that differs from the one recorded at its
// position is made. An update without a Key keeps no ledger. See
// Bot.Dispatch for what this guarantees.
func (c *Context) SendOutgoing(out Outgoing) (SentMessage, error) {
	if c.provider == nil {
		return SentMessage{}, errors.New("cardbot: Context has no provider")
	}
	if c.update.Chat.ID == "" {
		return SentMessage{}, ErrNoChat
	}
	return c.sendLedgered("", out)
}

func (c *Context) messageID() string {
	m := c.update.Message
	if m == nil {
		return ""
	}
	switch c.update.Kind {
	case KindEdit:
		return m.Replaces
	case KindDeletion:
		return ""
	case KindReaction:
		if m.Reaction != nil {
			return m.Reaction.MessageID
		}
	case KindPollVote:
		if m.PollVote != nil {
			return m.PollVote.PollID
		}
	}
	return m.ID
}

// Contacts returns the cards of the message: of every contact it carries
// (a contact message, a contacts array) and of a vCard document, which it
// downloads through the provider (Downloader), up to the size cap
// (WithMaxDocumentSize; ErrDocumentTooLarge over it). National numbers are
// read in the provider's region (RegionHinter), else the bot's
// (WithDefaultRegion), else contactcard's default.
//
// Each phone of a card says in Number or Err whether it normalized. The
// error says which contacts or documents could not be read at all; the
// cards of the others are returned with it. The result is kept: a second
// call does not download again.
//
// At most Limits.MaxCards cards and Limits.MaxPhones numbers are read
// from one message (WithLimits; 50 and 500 by default): over them, the
// first cards are returned with a *ContactsLimitError (ErrTooManyContacts)
// that says how many cards and numbers were left out.
func (c *Context) Contacts() ([]contactcard.Card, error) {
	if !c.cardsOK {
		c.cards, c.cardsErr = c.readContacts()
		c.cardsOK = true
	}
	return c.cards, c.cardsErr
}

// QuotedContacts returns the cards of the contacts the message quotes (a
// reply to a contact or a contacts array: Message.ReplyTo.Contacts), read
// as Contacts reads the message's own; none when it quotes no contact.
// The message's own contacts are not among them.
func (c *Context) QuotedContacts() ([]contactcard.Card, error) {
	m := c.update.Message
	if m == nil || m.ReplyTo == nil {
		return nil, nil
	}
	r := cardReader{p: contactcard.Parser{Region: c.region()}, lim: c.limits()}
	err := r.readRefs(m.ReplyTo.Contacts)
	return r.cards, errors.Join(err, r.err())
}

func (c *Context) readContacts() ([]contactcard.Card, error) {
	m := c.update.Message
	if m == nil {
		return nil, nil
	}
	r := cardReader{p: contactcard.Parser{Region: c.region()}, lim: c.limits()}
	errs := []error{r.readRefs(m.Contacts)}
	if d := m.Document; d != nil && d.IsVCard() {
		if r.full() {
			r.skip(1)
		} else {
			got, err := c.readDocument(r.parser(), *d)
			if err != nil {
				errs = append(errs, fmt.Errorf("cardbot: document %q: %w", clip(d.FileName, 64), err))
			}
			for _, card := range got {
				r.add(card)
			}
		}
	}
	return r.cards, errors.Join(append(errs, r.err())...)
}

// withFieldPhone adds the phone a provider sent beside a vCard (MAX's
// phoneNumber) to a card of that vCard none of whose numbers normalized,
// so that the provider's reading of the number is not lost to the card's.
func withFieldPhone(p contactcard.Parser, card contactcard.Card, phone string) contactcard.Card {
	if phone == "" {
		return card
	}
	for _, ph := range card.Phones {
		if ph.Number != "" {
			return card
		}
	}
	card.Phones = append(slices.Clip(card.Phones), p.Phone(phone))
	return card
}

// withAccounts returns card with a copy of accounts added to its own.
func withAccounts(card contactcard.Card, accounts map[string]string) contactcard.Card {
	if len(accounts) == 0 {
		return card
	}
	merged := make(map[string]string, len(card.Accounts)+len(accounts))
	maps.Copy(merged, card.Accounts)
	maps.Copy(merged, accounts)
	card.Accounts = merged
	return card
}

// cardOfFields makes a card of a contact the provider sent as fields.
func cardOfFields(p contactcard.Parser, ref VCardRef) contactcard.Card {
	card := contactcard.Card{
		FormattedName: ref.DisplayName,
		FirstName:     ref.FirstName,
		LastName:      ref.LastName,
	}
	if card.FormattedName == "" {
		card.FormattedName = strings.TrimSpace(ref.FirstName + " " + ref.LastName)
	}
	if ref.Phone != "" {
		card.Phones = []contactcard.Phone{p.Phone(ref.Phone)}
	}
	return card
}

func (c *Context) readDocument(p contactcard.Parser, d Document) ([]contactcard.Card, error) {
	limit := int64(DefaultMaxDocumentSize)
	if c.bot != nil {
		limit = c.bot.maxDoc
	}
	if d.Size > limit {
		return nil, fmt.Errorf("%w: %d bytes, the cap is %d", ErrDocumentTooLarge, d.Size, limit)
	}
	dl, ok := c.provider.(Downloader)
	if !ok {
		return nil, ErrNoDownloader
	}
	rc, err := dl.Download(c.ctx, d)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrDocumentTooLarge, limit)
	}
	p.MaxBytes = limit
	return p.Parse(bytes.NewReader(data))
}

// region returns the default phone region for this update.
func (c *Context) region() string {
	if h, ok := c.provider.(RegionHinter); ok {
		if r := h.DefaultRegion(); r != "" {
			return r
		}
	}
	if c.bot != nil {
		return c.bot.region
	}
	return ""
}
