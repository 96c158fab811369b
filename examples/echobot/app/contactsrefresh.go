package app

import (
	"fmt"
	"time"
)

// loadContactsRefresh reads MAX_CONTACTS_REFRESH: the least time between
// two reads of the MAX instance's contact base made for a number not in
// the bot's copy (greenapi.MAXContacts.Refresh); the client's default
// when unset.
func loadContactsRefresh(getenv func(string) string) (time.Duration, error) {
	v := getenv("MAX_CONTACTS_REFRESH")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("MAX_CONTACTS_REFRESH %q: want a duration such as 30s", v)
	}
	return d, nil
}
