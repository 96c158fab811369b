package greenapi

import "time"

// ParseRetryAfter exposes parseRetryAfter to the tests.
var ParseRetryAfter = parseRetryAfter

// SetAccountClock sets the clock of a MAX client's account cache.
func SetAccountClock(c *Client, now func() time.Time) { c.accounts.now = now }
