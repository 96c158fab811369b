package apiclient

import (
	"bytes"
	"io"
	"net/http"
)

// setRaw makes parts the body of req, with its length known, so that the
// request is not sent chunked and can be sent again.
func setRaw(req *http.Request, parts [][]byte, contentType string) {
	var n int64
	for _, p := range parts {
		n += int64(len(p))
	}
	open := func() (io.ReadCloser, error) {
		readers := make([]io.Reader, len(parts))
		for i, p := range parts {
			readers[i] = bytes.NewReader(p)
		}
		return io.NopCloser(io.MultiReader(readers...)), nil
	}
	req.Body, _ = open()
	req.GetBody = open
	req.ContentLength = n
	if n == 0 {
		req.Body = http.NoBody
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
}
