package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// shownBodyLimit caps how much of a body a call event shows.
const shownBodyLimit = 64 << 10

// CallData is a call the bot made to a messenger's API: the data of a
// KindCall event. Secrets are not in it: GREEN-API's token is cut out of
// the path, and headers are not shown.
type CallData struct {
	// Method is the API method ("sendMessage", "updates/", "download").
	Method string `json:"method"`
	// HTTPMethod is GET, POST or DELETE.
	HTTPMethod string `json:"httpMethod"`
	// Path is the URL path, the token replaced by a placeholder.
	Path string `json:"path"`
	// Send says whether the call sends a message.
	Send bool `json:"send"`
	// Request and Response are the bodies: JSON as it was, other text as a
	// string, anything else described.
	Request  any `json:"request,omitempty"`
	Response any `json:"response,omitempty"`
	// Status is the status answered, 0 when there was none.
	Status int `json:"status"`
	// Error is why there was no answer.
	Error string `json:"error,omitempty"`
	// Millis is how long the call took.
	Millis int64 `json:"ms"`
	// Fault says what the sandbox did to the call, if anything.
	Fault string `json:"fault,omitempty"`
}

// transport carries a messenger's API calls to its fake: it records each
// one as a KindCall event and plays the faults set for the messenger.
type transport struct {
	base   http.RoundTripper
	faults *faults
	record func(CallData)
	// changed is told the faults left once a send used one up, so that
	// the page shows what is still set.
	changed func(Faults)
	done    <-chan struct{} // closed by Sandbox.Close: slowed calls end
	// p is set once the peer exists, before any call is made.
	p peer
}

// errSandboxClosed ends calls slowed by the sandbox when it closes.
var errSandboxClosed = errors.New("sandbox: closed while the call was slowed")

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	// A RoundTripper must not change the request: the body is read, and a
	// copy of the request carries its bytes on.
	reqBody, err := readAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reading the request: %w", err)
	}
	out := r.Clone(r.Context())
	if r.Body != nil && r.Body != http.NoBody {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	call := CallData{
		Method: methodOf(r), HTTPMethod: r.Method, Path: t.p.redact(r.URL.Path), Send: t.p.isSend(r),
		Request: shown(reqBody, r.Header.Get("Content-Type")),
	}
	var notes []string
	if d := t.faults.slow(); d > 0 {
		notes = append(notes, "slowed by "+d.String())
		if err := t.wait(r, d); err != nil {
			call.Error, call.Fault, call.Millis = err.Error(), strings.Join(notes, "; "), time.Since(start).Milliseconds()
			t.record(call)
			return nil, err
		}
	}
	if call.Send {
		if status := t.faults.take(); status != 0 {
			resp := injected(r, status)
			notes = append(notes, fmt.Sprintf("answered %d by the sandbox: the fake never saw it", status))
			call.Status, call.Response = status, shown(injectedBody(status), "application/json")
			call.Fault, call.Millis = strings.Join(notes, "; "), time.Since(start).Milliseconds()
			t.record(call)
			t.changed(t.faults.get())
			return resp, nil
		}
	}
	resp, err := t.base.RoundTrip(out)
	call.Fault = strings.Join(notes, "; ")
	if err != nil {
		call.Error, call.Millis = t.p.redact(err.Error()), time.Since(start).Milliseconds()
		t.record(call)
		return nil, err
	}
	respBody, err := readAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	call.Status, call.Millis = resp.StatusCode, time.Since(start).Milliseconds()
	call.Response = shown(respBody, resp.Header.Get("Content-Type"))
	if err != nil {
		call.Error = t.p.redact(err.Error())
	}
	t.record(call)
	return resp, err
}

// wait waits d, or until the call is cancelled or the sandbox closes.
func (t *transport) wait(r *http.Request, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-r.Context().Done():
		return r.Context().Err()
	case <-t.done:
		return errSandboxClosed
	}
}

// readAll reads and closes a body; nil for none.
func readAll(b io.ReadCloser) ([]byte, error) {
	if b == nil || b == http.NoBody {
		return nil, nil
	}
	defer b.Close()
	return io.ReadAll(b)
}

// shown is a body as a call event shows it.
func shown(body []byte, contentType string) any {
	switch {
	case len(body) == 0:
		return nil
	case len(body) <= shownBodyLimit && json.Valid(body):
		return json.RawMessage(body)
	case len(body) <= shownBodyLimit && utf8.Valid(body):
		return string(body)
	}
	return fmt.Sprintf("(%d bytes of %s)", len(body), strings.TrimSpace(contentType+" data"))
}

// methodOf names a call: GREEN-API's method, else the path's last segment.
func methodOf(r *http.Request) string {
	if m := greenapiMethod(r.URL.Path); m != "" {
		return m
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	return path[strings.LastIndex(path, "/")+1:]
}

// injected is the answer the sandbox gives instead of the fake's.
func injected(r *http.Request, status int) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	if status == http.StatusTooManyRequests {
		h.Set("Retry-After", strconv.Itoa(1))
	}
	body := injectedBody(status)
	return &http.Response{
		Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}
}

func injectedBody(status int) []byte {
	b, _ := json.Marshal(map[string]any{
		"status": status, "error": http.StatusText(status), "message": "injected by the cardbot sandbox",
	})
	return b
}
