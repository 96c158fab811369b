package aitu

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/cardbot/cardbot"
)

// Download opens the file of a document: GET download/?fileId=<doc.ID>,
// with the token header, retried like any call. DecodeWebhook puts a
// media's fileId in Document.ID. A status other than 2xx is an *APIError
// (Method "download"; an unknown file is ErrNotFound). The body is
// returned as it comes; the caller closes it and caps its size.
func (c *Client) Download(ctx context.Context, doc cardbot.Document) (io.ReadCloser, error) {
	if doc.ID == "" {
		return nil, invalid("download: the document has no file id")
	}
	resp, err := c.open(ctx, &request{
		method:     "download",
		httpMethod: http.MethodGet,
		path:       "download/",
		query:      url.Values{"fileId": {doc.ID}},
	})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}
