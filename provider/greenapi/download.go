package greenapi

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/safefetch"
)

// Download opens the file of a document: a GET of doc.URL (the
// notification's downloadUrl), retried like any call. When doc.URL is
// empty it asks downloadFile for the URL first, with the chat id and
// idMessage that DecodeWebhook stores in doc.ID as "<chatId>/<idMessage>".
// A status other than 2xx is an *APIError (Method "download" or
// "downloadFile"). The caller closes the body and caps its size.
//
// The URL comes from a webhook, so the download is guarded: a URL that is
// not http or https is refused (ErrValidation and cardbot.ErrUnsafeURL);
// a host that resolves to a loopback, private, link-local, unspecified or
// multicast address is refused when it is dialled (cardbot.ErrUnsafeURL),
// unless APIURL's host is on an address of the same kind (a fake server on
// loopback); at most a few redirects are followed, each checked
// (cardbot.ErrTooManyRedirects); and the whole download, body included,
// ends after Config.DownloadTimeout (cardbot.ErrDownloadTimeout). None of
// these errors is retried, but the timeout.
func (c *Client) Download(ctx context.Context, doc cardbot.Document) (io.ReadCloser, error) {
	target := doc.URL
	if target == "" {
		var err error
		if target, err = c.downloadURL(ctx, doc.ID); err != nil {
			return nil, err
		}
	}
	if err := safefetch.CheckURL(target); err != nil {
		return nil, refused("download: "+err.Error(), err)
	}
	return c.fetch.Fetch(ctx, target, func(ctx context.Context, hc *http.Client) (*http.Response, error) {
		return c.api.Open(ctx, &request{Method: "download", HTTPMethod: http.MethodGet, URL: target, Client: hc})
	})
}

// newFetcher makes the guard of downloads; r resolves host names (nil:
// the system's resolver).
func newFetcher(cfg Config, r safefetch.Resolver) *safefetch.Fetcher {
	return cfg.settings().Fetcher(cfg.APIURL, false, r)
}

type downloadFileRequest struct {
	ChatID    string `json:"chatId"`
	IDMessage string `json:"idMessage"`
}

// downloadURL asks downloadFile for the URL of the file of message
// "<chatId>/<idMessage>".
func (c *Client) downloadURL(ctx context.Context, id string) (string, error) {
	chat, msg, ok := strings.Cut(id, "/")
	if !ok || chat == "" || msg == "" {
		return "", invalid("download: the document has no URL and its ID %q is not <chatId>/<idMessage>", id)
	}
	var out struct {
		DownloadURL string `json:"downloadUrl"`
	}
	req := c.apiRequest(http.MethodPost, "downloadFile", downloadFileRequest{ChatID: chat, IDMessage: msg})
	if _, err := c.callJSON(ctx, req, &out); err != nil {
		return "", err
	}
	if out.DownloadURL == "" {
		return "", &APIError{Method: "downloadFile", StatusCode: http.StatusOK, Message: "no downloadUrl in the response"}
	}
	return out.DownloadURL, nil
}
