package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// bareLimit is the bare server's body limit, the webhook package's default.
const bareLimit = 1 << 20

// startBare runs the baseline: a plain net/http server on loopback that
// reads each webhook, decodes its JSON and answers 200, nothing more.
func startBare() (target, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return target{}, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(bareHandler),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	base := "http://" + l.Addr().String()
	return target{
		greenapi: base + "/webhook/greenapi",
		aitu:     base + "/webhook/aitu/bare",
		stop: func(ctx context.Context) error {
			closeIdlePushes()
			err := srv.Shutdown(ctx)
			if s := <-served; !errors.Is(s, http.ErrServerClosed) {
				err = errors.Join(err, s)
			}
			return err
		},
	}, nil
}

func bareHandler(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, bareLimit+1))
	if err != nil || len(body) > bareLimit {
		http.Error(w, "body could not be read", http.StatusBadRequest)
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}
