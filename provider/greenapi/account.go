package greenapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// ErrNotOnMAX means no MAX account was found for a card, so the contact
// cannot be shared on MAX: it is not in the instance's contact base and was
// not added to it, or MAX says the number has no account (addContact,
// checkAccount). Errors that match it also match cardbot.ErrNoUsableNumber
// and are not retryable.
var ErrNotOnMAX = errors.New("greenapi: number not on MAX")

// accountEntry is one remembered checkAccount answer.
type accountEntry struct {
	chatID  string // "" when the number is not on MAX
	expires time.Time
}

// accountFlight is a checkAccount call in progress; callers for the same
// number wait on done and share its outcome.
type accountFlight struct {
	done   chan struct{}
	chatID string
	err    error
}

// accounts resolves phone numbers to MAX chat ids through checkAccount,
// remembering answers, positive and negative, for a while. The cache is
// bounded; expiry is checked on reading, so nothing runs in the
// background.
type accounts struct {
	cache      *lru.Cache[string, accountEntry]
	ttl, noTTL time.Duration
	now        func() time.Time

	mu      sync.Mutex
	flights map[string]*accountFlight
}

// newAccounts makes the cache of a Config with its defaults, whose
// AccountCacheSize is positive: lru.New fails only for a size below one.
func newAccounts(cfg Config) *accounts {
	cache, _ := lru.New[string, accountEntry](cfg.AccountCacheSize)
	return &accounts{
		cache:   cache,
		ttl:     cfg.AccountTTL,
		noTTL:   cfg.NotFoundTTL,
		now:     time.Now,
		flights: make(map[string]*accountFlight),
	}
}

// lookup returns the remembered answer for number, if it has not expired.
func (a *accounts) lookup(number string) (accountEntry, bool) {
	e, ok := a.cache.Get(number)
	if !ok {
		return accountEntry{}, false
	}
	if !a.now().Before(e.expires) {
		// Left in place: the next answer replaces it, or the LRU order
		// evicts it. Removing it here could remove a fresh answer stored
		// meanwhile.
		return accountEntry{}, false
	}
	return e, true
}

func (a *accounts) store(number, chatID string) {
	ttl := a.ttl
	if chatID == "" {
		ttl = a.noTTL
	}
	a.cache.Add(number, accountEntry{chatID: chatID, expires: a.now().Add(ttl)})
}

// NotOnMAXError is the error of a card for which no MAX account was
// found. It matches ErrNotOnMAX and cardbot.ErrNoUsableNumber.
type NotOnMAXError struct {
	// Number is the card's phone number, international digits; empty
	// when the card had none that normalized, only a MAX chat id.
	Number string
	// ChatID is the card's own MAX chat id, when it carried one.
	ChatID string
	// NotInContacts is true when the contact was only looked for in the
	// instance's contact base (getContacts), without asking MAX whether
	// the number has an account: Config.MAXContacts.Add is off, or the
	// card has no number to add.
	NotInContacts bool
}

// Error says which number has no MAX account, or is not in the contact
// base.
func (e *NotOnMAXError) Error() string {
	who := "number +" + e.Number
	if e.Number == "" {
		who = "MAX chat id " + e.ChatID
	}
	if e.NotInContacts {
		return "greenapi: " + who + " is not in the MAX instance's contacts (getContacts)"
	}
	return "greenapi: " + who + " has no MAX account"
}

// Unwrap returns ErrNotOnMAX and cardbot.ErrNoUsableNumber.
func (e *NotOnMAXError) Unwrap() []error {
	return []error{ErrNotOnMAX, cardbot.ErrNoUsableNumber}
}

// maxCountryCodes are the country codes checkAccount takes: Russia and
// Belarus.
var maxCountryCodes = [...]string{"7", "375"}

type checkAccountRequest struct {
	PhoneNumber int64 `json:"phoneNumber"`
	Force       bool  `json:"force"`
}

type checkAccountResponse struct {
	Exist  bool       `json:"exist"`
	ChatID flexString `json:"chatId"`
}

// CheckAccount returns the MAX chat id of a phone number, asking
// checkAccount when the answer is not remembered. It is for MAX clients
// only. Send does not use it: MAX's sendContact needs the contact in the
// instance's contact base, which a chat id from checkAccount does not
// prove (see MAXContacts).
//
// The number is read in the default region; only Russian (+7) and
// Belarusian (+375) numbers can be checked, others fail with an error
// that wraps ErrValidation before any request. A number without an
// account fails with a *NotOnMAXError (ErrNotOnMAX). Answers are
// remembered (AccountTTL when found, NotFoundTTL when not; at most
// AccountCacheSize of them), since GREEN-API penalizes frequent checks of
// numbers without an account, and concurrent calls for one number make one
// request. Failed calls are not remembered.
func (c *Client) CheckAccount(ctx context.Context, phone string) (string, error) {
	if c.cfg.Messenger != MAX {
		return "", invalid("checkAccount: only MAX clients check accounts")
	}
	n, err := contactcard.Normalize(phone, c.cfg.DefaultRegion)
	if err != nil {
		return "", refused(fmt.Sprintf("checkAccount: %q is not a usable phone number: %v", phone, err), err)
	}
	return c.maxChatOf(ctx, n)
}

// maxChatOf resolves a normalized number (international digits) to a MAX
// chat id: from the cache, or through one shared checkAccount call.
func (c *Client) maxChatOf(ctx context.Context, number string) (string, error) {
	if !allowedOnMAX(number) {
		return "", refused(fmt.Sprintf("checkAccount: +%s: MAX accounts can be checked for Russian (+7) and Belarusian (+375) numbers only: %v", number, cardbot.ErrNoUsableNumber), cardbot.ErrNoUsableNumber)
	}
	a := c.accounts
	for {
		if e, ok := a.lookup(number); ok {
			return accountResult(number, e.chatID)
		}
		a.mu.Lock()
		// Checked again under the lock: a flight may have just landed.
		if e, ok := a.lookup(number); ok {
			a.mu.Unlock()
			return accountResult(number, e.chatID)
		}
		f, joined := a.flights[number]
		if !joined {
			f = &accountFlight{done: make(chan struct{})}
			a.flights[number] = f
		}
		a.mu.Unlock()

		if !joined {
			return c.lead(ctx, number, f)
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return "", fmt.Errorf("greenapi: checkAccount: %w", ctx.Err())
		}
		if f.err == nil {
			return accountResult(number, f.chatID)
		}
		// The leader's context ended: that is no answer for this caller,
		// who tries again while its own context lasts.
		if ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
			continue
		}
		return "", f.err
	}
}

// lead makes the checkAccount call of flight f and hands its outcome to
// the callers waiting on it.
func (c *Client) lead(ctx context.Context, number string, f *accountFlight) (string, error) {
	a := c.accounts
	chatID, err := c.checkAccount(ctx, number)
	a.mu.Lock()
	if err == nil {
		a.store(number, chatID)
	}
	delete(a.flights, number)
	f.chatID, f.err = chatID, err
	close(f.done)
	a.mu.Unlock()
	if err != nil {
		return "", err
	}
	return accountResult(number, chatID)
}

func accountResult(number, chatID string) (string, error) {
	if chatID == "" {
		return "", &NotOnMAXError{Number: number}
	}
	return chatID, nil
}

// allowedOnMAX reports whether checkAccount takes the number.
func allowedOnMAX(number string) bool {
	for _, cc := range maxCountryCodes {
		if strings.HasPrefix(number, cc) {
			return true
		}
	}
	return false
}

// checkAccount asks GREEN-API whether number has a MAX account: its chat
// id, or "" when it has none.
func (c *Client) checkAccount(ctx context.Context, number string) (string, error) {
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n <= 0 {
		return "", invalid("checkAccount: number %q is not international digits", number)
	}
	var resp checkAccountResponse
	req := c.apiRequest(http.MethodPost, "checkAccount", checkAccountRequest{PhoneNumber: n})
	if _, err := c.callJSON(ctx, req, &resp); err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(resp.ChatID))
	if !resp.Exist {
		return "", nil
	}
	if !validMAXChatID(id) {
		return "", &APIError{Method: "checkAccount", StatusCode: http.StatusOK,
			Message: c.api.Clean(fmt.Sprintf("exist is true but chatId %q is not a MAX chat id", id))}
	}
	return id, nil
}
