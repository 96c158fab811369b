package greenapitest

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The contact base of a MAX instance. GREEN-API's MAX documentation says
// that sendContact shares only a contact that is in the instance's contact
// base, which getContacts lists, and that addContact (beta) adds a number
// to it. The fake keeps the base apart from the MAX accounts that exist
// (AddMAXAccount): a number can have an account and still not be in the
// base, until addContact or AddMAXContact puts it there.

// addContactChatIDPattern is addContact's chatId: a phone number written
// as a personal WhatsApp-style chat id ("79876543210@c.us"), as the MAX
// documentation shows it.
var addContactChatIDPattern = regexp.MustCompile(`^([1-9]\d{10,11})@c\.us$`)

// BaseContact is one contact of a MAX instance's contact base, as
// getContacts lists it.
type BaseContact struct {
	ChatID      string `json:"chatId"`
	Name        string `json:"name"`
	ContactName string `json:"contactName"`
	Type        string `json:"type"`
	PhoneNumber int64  `json:"phoneNumber"`
}

// contactBase is the fake's contact base, in the order contacts were
// added.
type contactBase struct {
	mu        sync.Mutex
	list      []BaseContact
	gets      int // getContacts calls
	additions int // addContact calls
}

func (b *contactBase) add(c BaseContact) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, have := range b.list {
		if have.ChatID == c.ChatID {
			b.list[i] = c
			return
		}
	}
	b.list = append(b.list, c)
}

func (b *contactBase) has(chatID string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.list {
		if c.ChatID == chatID {
			return true
		}
	}
	return false
}

// AddMAXContact puts the MAX account of phone (international digits) with
// chatID in the instance's contact base, as if the account's owner had
// added it, and registers the account (AddMAXAccount). sendContact takes
// only contacts of the base. It takes effect with WithMAX.
func (s *Server) AddMAXContact(phone, chatID, name string) {
	s.AddMAXAccount(phone, chatID)
	n, _ := strconv.ParseInt(phone, 10, 64)
	s.contacts.add(BaseContact{ChatID: chatID, ContactName: name, Type: "user", PhoneNumber: n})
}

// MAXContacts returns the instance's contact base, in the order contacts
// were added.
func (s *Server) MAXContacts() []BaseContact {
	s.contacts.mu.Lock()
	defer s.contacts.mu.Unlock()
	return append([]BaseContact(nil), s.contacts.list...)
}

// GetContactsCalls and AddContactCalls return how many getContacts and
// addContact calls reached their method (after the instance, token and
// failure checks), refused ones included.
func (s *Server) GetContactsCalls() int {
	s.contacts.mu.Lock()
	defer s.contacts.mu.Unlock()
	return s.contacts.gets
}

// AddContactCalls: see GetContactsCalls.
func (s *Server) AddContactCalls() int {
	s.contacts.mu.Lock()
	defer s.contacts.mu.Unlock()
	return s.contacts.additions
}

// getContacts lists the contact base; a count query parameter keeps the
// first count contacts.
func (s *Server) getContacts(r *http.Request, _ []byte, _ *Call) answer {
	s.contacts.mu.Lock()
	s.contacts.gets++
	list := append([]BaseContact{}, s.contacts.list...)
	s.contacts.mu.Unlock()
	if v := r.URL.Query().Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s.invalid("'count' must be a non-negative integer")
		}
		list = list[:min(n, len(list))]
	}
	return jsonAnswer(http.StatusOK, list)
}

// addContact adds a number that has a MAX account to the contact base. A
// number without an account is answered 404, as GREEN-API's contact
// methods document it ("… is not on MAX").
func (s *Server) addContact(_ *http.Request, body []byte, _ *Call) answer {
	s.contacts.mu.Lock()
	s.contacts.additions++
	s.contacts.mu.Unlock()
	m, bad := s.object(body)
	if bad != nil {
		return *bad
	}
	chat, present, ok := str(m, "chatId")
	switch {
	case !ok:
		return s.invalid("'chatId' must be a string")
	case !present || chat == "":
		return s.invalid("'chatId' is required")
	}
	match := addContactChatIDPattern.FindStringSubmatch(chat)
	if match == nil {
		return s.invalid("'chatId' must be a phone number as a personal chat id such as 79876543210@c.us")
	}
	first, _, ok := str(m, "firstName")
	switch {
	case !ok:
		return s.invalid("'firstName' must be a string")
	case strings.TrimSpace(first) == "":
		return s.invalid("'firstName' is required")
	}
	last, _, ok := str(m, "lastName")
	if !ok {
		return s.invalid("'lastName' must be a string")
	}
	phone := match[1]
	s.mu.Lock()
	id, exist := s.accounts[phone]
	s.mu.Unlock()
	if !exist {
		return jsonAnswer(http.StatusNotFound, map[string]string{"message": chat + " is not on MAX"})
	}
	n, _ := strconv.ParseInt(phone, 10, 64)
	s.contacts.add(BaseContact{ChatID: id, ContactName: strings.TrimSpace(first + " " + last), Type: "user", PhoneNumber: n})
	return jsonAnswer(http.StatusOK, map[string]bool{"addContact": true})
}

// notInBase is sendContact's answer for a contact that is not in the
// contact base. The documentation states the rule but not the answer; the
// fake gives its validation answer, so that a client that skips the rule
// fails the way a refused request does.
func (s *Server) notInBase(chatID string) answer {
	return s.invalid("'contact.chatId' " + chatID + " is not in the instance's contacts (getContacts); add it with addContact")
}

// resetCounts sets the counts of getContacts and addContact calls to 0.
func (b *contactBase) resetCounts() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gets, b.additions = 0, 0
}

// maxContactMethod returns the handler of getContacts or addContact
// (lowercase name), which only a MAX instance serves.
func (s *Server) maxContactMethod(name string) (string, handlerFunc) {
	switch {
	case !s.opts.max:
		return "", nil
	case strings.EqualFold(name, "getcontacts"):
		return http.MethodGet, s.getContacts
	default:
		return http.MethodPost, s.addContact
	}
}
