package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// bareLimit is the bare server's body limit, the webhook package's default.
const bareLimit = 1 << 20

// bareServer is the baseline: a bare echo server on loopback with one POST
// route per webhook path, which reads each webhook, decodes its JSON into
// any with encoding/json and answers 200, nothing more. With a floor
// sender (the floor phase) it also answers each webhook with one text
// through the provider's HTTP API before its 200.
type bareServer struct {
	target
	send    *floorSender // nil: bare
	handled atomic.Int64 // webhooks answered 200
}

// startBare runs a bare server on 127.0.0.1:0; send, when not nil, makes
// it the floor.
func startBare(send *floorSender) (*bareServer, error) {
	b := &bareServer{send: send}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	for m, path := range webhookPaths {
		e.POST(path, func(c echo.Context) error { return b.handle(c, messenger(m)) })
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	b.hooks = hooksAt("http://" + l.Addr().String())
	b.stop = func(ctx context.Context) error {
		closeIdlePushes()
		err := srv.Shutdown(ctx)
		if s := <-served; !errors.Is(s, http.ErrServerClosed) {
			err = errors.Join(err, s)
		}
		return err
	}
	return b, nil
}

func (b *bareServer) handle(c echo.Context, m messenger) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, bareLimit+1))
	switch {
	case err != nil:
		return c.String(http.StatusBadRequest, "body could not be read")
	case len(body) > bareLimit:
		return c.String(http.StatusRequestEntityTooLarge, "body too large")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return c.String(http.StatusBadRequest, "malformed update")
	}
	if b.send != nil {
		if err := b.send.answer(c.Request().Context(), m, v); err != nil {
			// Not 200: the provider delivers the webhook again.
			return c.String(http.StatusBadGateway, err.Error())
		}
	}
	b.handled.Add(1)
	return c.NoContent(http.StatusOK)
}
