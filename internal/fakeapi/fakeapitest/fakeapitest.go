// Package fakeapitest is what the tests of the fakes (aitutest,
// greenapitest) share to talk to a fake as a client would, byte for
// byte: a request sent and its answer read whole, a request whose body
// ends before its Content-Length, and a multipart form built.
package fakeapitest

import (
	"bufio"
	"bytes"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// Answer is a fake's answer, read whole.
type Answer struct {
	// Status is the HTTP status.
	Status int
	// Header is the answer's header.
	Header http.Header
	// Body is the body.
	Body string
}

// NewRequest returns a request of the test's context with body, and with
// contentType as its Content-Type unless that is "".
func NewRequest(t testing.TB, method, url, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// Do sends req and reads the answer whole; the test fails when none
// comes.
func Do(t testing.TB, req *http.Request) Answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// CutShort POSTs to rawURL a request with header whose body ends, with
// the client's half of the connection, before the Content-Length it
// declares (len(body)+64): a client that died while sending. It returns
// the answer, read whole.
func CutShort(t testing.TB, rawURL string, header http.Header, body string) Answer {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	conn, err := net.DialTimeout("tcp", u.Host, time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	var req strings.Builder
	req.WriteString("POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\n")
	for name, values := range header {
		for _, v := range values {
			req.WriteString(name + ": " + v + "\r\n")
		}
	}
	req.WriteString("Content-Length: " + strconv.Itoa(len(body)+64) + "\r\n\r\n" + body)
	_, err = io.WriteString(conn, req.String())
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// quoteEscaper escapes a quoted header parameter, as multipart does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

// Form writes parts as a multipart/form-data body, as a client uploads a
// file, and returns it with its Content-Type. A part is a file when it
// has a FileName, and has a Content-Type when it has one.
func Form(t testing.TB, parts ...fakeapi.Part) (body, contentType string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.FileName != "" {
			h.Set("Content-Disposition", multipart.FileContentDisposition(p.Name, p.FileName))
		} else {
			h.Set("Content-Disposition", `form-data; name="`+quoteEscaper.Replace(p.Name)+`"`)
		}
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		pw, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = pw.Write(p.Data)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return b.String(), w.FormDataContentType()
}
