package greenapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/cardbot/cardbot"
)

// Download opens the file of a document: a GET of doc.URL (the
// notification's downloadUrl) with the client's HTTP client, retried like
// any call. When doc.URL is empty it asks downloadFile for the URL first,
// with the chat id and idMessage that DecodeWebhook stores in doc.ID as
// "<chatId>/<idMessage>". A status other than 2xx is an *APIError (Method
// "download" or "downloadFile"). The body is returned as it comes; the
// caller closes it and caps its size.
func (c *Client) Download(ctx context.Context, doc cardbot.Document) (io.ReadCloser, error) {
	target := doc.URL
	if target == "" {
		var err error
		if target, err = c.downloadURL(ctx, doc.ID); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalid("download: %q is not an http or https URL", c.clean(target))
	}
	resp, err := c.open(ctx, &request{method: "download", httpMethod: http.MethodGet, url: target})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
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
