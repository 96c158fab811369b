package aitu

import "github.com/cardbot/cardbot/internal/safefetch"

// SetDownloadResolver makes c's downloads resolve host names with r.
func SetDownloadResolver(c *Client, r safefetch.Resolver) { c.fetch = newFetcher(c.cfg, r) }
