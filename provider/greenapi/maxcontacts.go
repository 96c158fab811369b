package greenapi

import "time"

// Defaults of a zero MAXContacts field.
const (
	// DefaultContactCacheSize is how many contacts of a MAX instance's
	// contact base a client keeps.
	DefaultContactCacheSize = 10000
	// DefaultContactsTTL is how long a client uses its copy of the contact
	// base before it asks getContacts again. GREEN-API says an update of
	// the contacts can take up to 5 minutes to show.
	DefaultContactsTTL = 5 * time.Minute
	// DefaultContactsRefresh is the least time between two getContacts
	// calls made because a number was not in the copy. GREEN-API allows
	// about one getContacts call a second per instance.
	DefaultContactsRefresh = 30 * time.Second
)

// MAXContacts configures how a MAX client finds the contacts it shares.
//
// MAX's sendContact shares a contact by its MAX chat id, and only a
// contact that is in the instance's contact base: the contacts getContacts
// lists. A client keeps a copy of that list (at most CacheSize contacts,
// the least recently used dropped first), fetched when it is first needed
// and again once it is TTL old; a number that is not in the copy makes the
// client fetch it again, at most once per Refresh, since a contact added
// meanwhile (in the MAX app, or with addContact) may have appeared.
type MAXContacts struct {
	// Add makes a client add a card's number to the contact base with
	// addContact (a beta method of GREEN-API) when it is not there, with
	// the card's first and last name, then fetch the base again to learn
	// the contact's chat id. A number MAX says has no account fails with a
	// *NotOnMAXError, and is remembered for Config.NotFoundTTL. A contact
	// added but not listed yet fails with an error that matches
	// ErrContactPending and is retryable: GREEN-API may take minutes to
	// list it. Off by default: addContact writes to the account's contacts.
	Add bool

	// AsFile makes a client send a card for which no MAX account was found
	// (a *NotOnMAXError) as a .vcf file instead (sendFileByUpload of the
	// card, encoded by contactcard as vCard 3.0, named after the card), so
	// that the chat still gets the contact. Send then returns the file's
	// message. Cards without a usable number still fail.
	AsFile bool

	// CacheSize bounds the contacts kept of the base (DefaultContactCacheSize
	// when zero or less).
	CacheSize int

	// TTL is how long a copy of the base is used (DefaultContactsTTL when
	// zero or less); Refresh the least time between two fetches made for a
	// number not in the copy (DefaultContactsRefresh when zero or less).
	TTL, Refresh time.Duration
}

// withDefaults returns m with its zero fields filled in.
func (m MAXContacts) withDefaults() MAXContacts {
	if m.CacheSize <= 0 {
		m.CacheSize = DefaultContactCacheSize
	}
	if m.TTL <= 0 {
		m.TTL = DefaultContactsTTL
	}
	if m.Refresh <= 0 {
		m.Refresh = DefaultContactsRefresh
	}
	return m
}
