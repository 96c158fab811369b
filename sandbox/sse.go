package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// heartbeat is how often an idle stream sends a comment, so that a page
// that went away is noticed.
const heartbeat = 15 * time.Second

// events serves the page's server-sent events: every Event after the
// Last-Event-ID header (or ?after=), then each new one as it happens, as
// "id: <id>\nevent: <kind>\ndata: <json>\n\n". It ends when the client
// goes, when the client falls too far behind (it reconnects and replays),
// and when the sandbox closes.
func (s *Sandbox) events(c echo.Context) error {
	if !s.enter() {
		return echo.NewHTTPError(http.StatusServiceUnavailable, ErrClosed.Error())
	}
	defer s.active.Done()
	after := lastEventID(c.Request())
	backlog, ch, ok := s.hub.subscribe(after)
	if !ok {
		return echo.NewHTTPError(http.StatusServiceUnavailable, ErrClosed.Error())
	}
	defer s.hub.unsubscribe(ch)

	w := c.Response()
	// The controller of the writer under echo's: echo's Flush panics on a
	// writer that cannot flush, and drops the error of one that fails.
	rc := http.NewResponseController(w.Writer)
	// A server's WriteTimeout would cut the stream; the page reconnects
	// anyway, but need not.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return nil
	}
	for _, e := range backlog {
		if err := writeEvent(w, e); err != nil {
			return nil
		}
	}
	// A writer that cannot flush ends the stream; the page then says it is
	// reconnecting.
	if rc.Flush() != nil {
		return nil
	}

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return nil
			}
			if err := writeEvent(w, e); err != nil {
				return nil
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
		case <-c.Request().Context().Done():
			return nil
		}
		if rc.Flush() != nil {
			return nil
		}
	}
}

func writeEvent(w *echo.Response, e Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Kind, data)
	return err
}

// lastEventID is the id after which a stream starts: the Last-Event-ID
// header of a reconnecting EventSource, else ?after=, else 0.
func lastEventID(r *http.Request) int64 {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}
