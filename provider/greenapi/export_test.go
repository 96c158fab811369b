package greenapi

import (
	"time"

	"github.com/cardbot/cardbot/internal/safefetch"
)

// SetAccountClock sets the clock of a MAX client's account cache.
func SetAccountClock(c *Client, now func() time.Time) { c.accounts.now = now }

// SetContactsClock sets the clock of a MAX client's copy of the contact
// base.
func SetContactsClock(c *Client, now func() time.Time) {
	c.contacts.mu.Lock()
	defer c.contacts.mu.Unlock()
	c.contacts.now = now
}

// SetDownloadResolver makes c's downloads resolve host names with r.
func SetDownloadResolver(c *Client, r safefetch.Resolver) { c.fetch = newFetcher(c.cfg, r) }

// CheckInstance runs the decoder's check of a notification's instanceData.
func CheckInstance(c *Client, typeInstance, idInstance string) error {
	return c.checkInstance(&instanceData{TypeInstance: typeInstance, IDInstance: flexString(idInstance)})
}
