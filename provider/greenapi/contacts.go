package greenapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/cardbot/cardbot/contactcard"
)

// ErrContactPending means addContact took a number but getContacts does not
// list it yet, so its MAX chat id is not known. GREEN-API says the contact
// list can take up to 5 minutes to change. Errors that match it also match
// ErrTransient and are retryable.
var ErrContactPending = errors.New("greenapi: contact added to the MAX contact base, not listed yet")

// contactPendingError is the error of a contact added but not listed.
type contactPendingError struct{ number string }

func (e *contactPendingError) Error() string {
	return fmt.Sprintf("%v: +%s", ErrContactPending, e.number)
}

func (e *contactPendingError) Unwrap() []error { return []error{ErrContactPending, ErrTransient} }

// Retryable reports true: a later try finds the contact listed.
func (e *contactPendingError) Retryable() bool { return true }

// contactBase is a MAX client's copy of the instance's contact base: the
// chat ids getContacts lists, and the chat id of each phone number it
// shows. Both are bounded; each fetch makes a new copy, which replaces the
// old one at once, so that a lookup never sees a copy half filled.
type contactBase struct {
	cfg MAXContacts
	now func() time.Time

	mu      sync.Mutex
	byPhone *lru.Cache[string, string]   // international digits → chat id
	byChat  *lru.Cache[string, struct{}] // chat ids in the base
	fetched time.Time                    // of the copy; zero before the first fetch
	flight  *baseFlight
}

// baseFlight is a getContacts call in progress; callers that need a fresh
// copy meanwhile wait on done and share its outcome.
type baseFlight struct {
	done chan struct{}
	err  error
}

// newContactBase makes the copy of a Config with its defaults, whose
// CacheSize is positive: lru.New fails only for a size below one.
func newContactBase(cfg MAXContacts) *contactBase {
	b := &contactBase{cfg: cfg, now: time.Now}
	b.byPhone, b.byChat = b.newCaches()
	return b
}

func (b *contactBase) newCaches() (*lru.Cache[string, string], *lru.Cache[string, struct{}]) {
	byPhone, _ := lru.New[string, string](b.cfg.CacheSize)
	byChat, _ := lru.New[string, struct{}](b.cfg.CacheSize)
	return byPhone, byChat
}

// find returns the chat id of the contact: chatID itself when the base
// holds it, else the chat id of number.
func (b *contactBase) find(number, chatID string) (string, bool) {
	b.mu.Lock()
	byPhone, byChat := b.byPhone, b.byChat
	b.mu.Unlock()
	if chatID != "" && byChat.Contains(chatID) {
		return chatID, true
	}
	if number != "" {
		return byPhone.Get(number)
	}
	return "", false
}

// age returns how old the copy is, and false before the first fetch.
func (b *contactBase) age() (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fetched.IsZero() {
		return 0, false
	}
	return b.now().Sub(b.fetched), true
}

// fill replaces the copy with one of list; the caller holds b.mu. Groups,
// malformed chat ids and hidden numbers (0) are left out of the index they
// do not fit. Of a list longer than CacheSize, its last contacts are kept.
func (b *contactBase) fill(list []baseContact) {
	byPhone, byChat := b.newCaches()
	for _, e := range list {
		id := strings.TrimSpace(string(e.ChatID))
		if !validMAXChatID(id) || id[0] == '-' || (e.Type != "" && e.Type != "user") {
			continue
		}
		byChat.Add(id, struct{}{})
		if n := strings.TrimSpace(string(e.PhoneNumber)); n != "" && n != "0" && allDigits(n) {
			byPhone.Add(n, id)
		}
	}
	b.byPhone, b.byChat, b.fetched = byPhone, byChat, b.now()
}

// baseContact is one entry of getContacts' answer on MAX.
type baseContact struct {
	ChatID      flexString `json:"chatId"`
	Type        string     `json:"type"`
	PhoneNumber flexString `json:"phoneNumber"`
}

// maxContact returns the chat id under which the contact base holds the
// card's contact: by its MAX chat id (chatID, may be empty) or its number
// (international digits, may be empty). Not found, it adds the number
// with addContact when Config.MAXContacts.Add, else it fails with a
// *NotOnMAXError.
func (c *Client) maxContact(ctx context.Context, number, chatID string, card contactcard.Card) (string, error) {
	b := c.contacts
	age, ok := b.age()
	if !ok || age >= b.cfg.TTL {
		if err := c.fetchContacts(ctx); err != nil {
			return "", err
		}
		age = 0
	}
	if id, ok := b.find(number, chatID); ok {
		return id, nil
	}
	if age >= b.cfg.Refresh {
		if err := c.fetchContacts(ctx); err != nil {
			return "", err
		}
		if id, ok := b.find(number, chatID); ok {
			return id, nil
		}
	}
	if !b.cfg.Add || number == "" {
		return "", &NotOnMAXError{Number: number, ChatID: chatID, NotInContacts: true}
	}
	if e, ok := c.accounts.lookup(number); ok && e.chatID == "" {
		return "", &NotOnMAXError{Number: number, ChatID: chatID}
	}
	if err := c.addContact(ctx, number, card); err != nil {
		return "", err
	}
	if err := c.fetchContacts(ctx); err != nil {
		return "", err
	}
	if id, ok := b.find(number, chatID); ok {
		return id, nil
	}
	return "", &contactPendingError{number: number}
}

// fetchContacts replaces the copy of the contact base with what
// getContacts lists now; concurrent callers share one call.
func (c *Client) fetchContacts(ctx context.Context) error {
	b := c.contacts
	for {
		b.mu.Lock()
		f := b.flight
		lead := f == nil
		if lead {
			f = &baseFlight{done: make(chan struct{})}
			b.flight = f
		}
		b.mu.Unlock()
		if lead {
			list, err := c.getContacts(ctx)
			b.mu.Lock()
			if err == nil {
				b.fill(list)
			}
			b.flight, f.err = nil, err
			close(f.done)
			b.mu.Unlock()
			return err
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return fmt.Errorf("greenapi: getContacts: %w", ctx.Err())
		}
		// The leader's context ended: that is no answer for this caller,
		// who asks again while its own context lasts.
		if f.err != nil && ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
			continue
		}
		return f.err
	}
}

// getContacts lists the contact base. GREEN-API's documentation says to
// call it again when it answers an empty list, which it may do while the
// list is being updated: an empty answer is asked again once.
func (c *Client) getContacts(ctx context.Context) ([]baseContact, error) {
	var list []baseContact
	for range 2 {
		list = nil
		if _, err := c.callJSON(ctx, c.apiRequest(http.MethodGet, "getContacts", nil), &list); err != nil {
			return nil, err
		}
		if len(list) > 0 {
			break
		}
	}
	return list, nil
}

type addContactRequest struct {
	ChatID    string `json:"chatId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName,omitempty"`
}

type addContactResponse struct {
	AddContact bool   `json:"addContact"`
	Message    string `json:"message"`
}

// addContact adds number to the contact base. MAX's answer that the number
// has no account (404 "… is not on MAX") is a *NotOnMAXError, remembered
// for Config.NotFoundTTL so that the number is not tried again meanwhile.
func (c *Client) addContact(ctx context.Context, number string, card contactcard.Card) error {
	first, last := strings.TrimSpace(card.FirstName), strings.TrimSpace(card.LastName)
	if first == "" {
		first, last = strings.TrimSpace(card.FormattedName), ""
	}
	if first == "" {
		first = "+" + number
	}
	req := c.apiRequest(http.MethodPost, "addContact", addContactRequest{ChatID: number + "@c.us", FirstName: first, LastName: last})
	var resp addContactResponse
	_, err := c.callJSON(ctx, req, &resp)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound && strings.Contains(strings.ToLower(ae.Message), "not on max") {
		c.accounts.mu.Lock()
		c.accounts.store(number, "")
		c.accounts.mu.Unlock()
		return &NotOnMAXError{Number: number}
	}
	if err != nil {
		return err
	}
	if !resp.AddContact {
		return &APIError{Method: "addContact", StatusCode: http.StatusOK,
			Message: c.api.Clean("addContact is not true: " + resp.Message)}
	}
	return nil
}
