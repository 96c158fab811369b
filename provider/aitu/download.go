package aitu

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/safefetch"
)

// Download opens the file of a document: GET download/?fileId=<doc.ID>,
// with the token header, retried like any call. DecodeWebhook puts a
// media's fileId in Document.ID. A status other than 2xx is an *APIError
// (Method "download"; an unknown file is ErrNotFound). The caller closes
// the body and caps its size.
//
// The request carries the token, so it follows no redirect: a 3xx answer
// fails with ErrRedirected, and the host it points at gets nothing. The
// download is guarded like every file a webhook points at: APIURL's host
// is dialled only when it resolves to a public address, or to one of the
// same kind as its own (a fake server on loopback); others are refused
// (cardbot.ErrUnsafeURL). The whole download, body included, ends after
// Config.DownloadTimeout (cardbot.ErrDownloadTimeout). None of these
// errors is retried, but the timeout.
func (c *Client) Download(ctx context.Context, doc cardbot.Document) (io.ReadCloser, error) {
	if doc.ID == "" {
		return nil, invalid("download: the document has no file id")
	}
	return c.fetch.Fetch(ctx, c.cfg.APIURL, func(ctx context.Context, hc *http.Client) (*http.Response, error) {
		r := c.apiRequest(http.MethodGet, "download", "download/", url.Values{"fileId": {doc.ID}}, nil)
		r.Client = hc
		return c.api.Open(ctx, r)
	})
}

// newFetcher makes the guard of downloads; r resolves host names (nil:
// the system's resolver).
func newFetcher(cfg Config, r safefetch.Resolver) *safefetch.Fetcher {
	return settingsOf(cfg).Fetcher(cfg.APIURL, true, r)
}
