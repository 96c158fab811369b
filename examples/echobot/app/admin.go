package app

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot/store"
)

// deadLetterView is a dead letter as GET /admin/deadletters lists it.
type deadLetterView struct {
	ID       string          `json:"id"`
	Provider string          `json:"provider"`
	Chat     string          `json:"chat"`
	Key      string          `json:"key,omitempty"`
	Reason   string          `json:"reason"`
	Pushed   time.Time       `json:"pushed"`
	Failed   time.Time       `json:"failed"`
	Update   json.RawMessage `json:"update,omitempty"`
}

// mountAdmin adds the dead-letter routes, which want token as a Bearer
// token:
//
//	GET    /admin/deadletters?limit=N        the dead letters, oldest first (100 by default)
//	POST   /admin/deadletters/:id/replay     queue one again
//	DELETE /admin/deadletters/:id            delete one
//
// The routes call the methods of q, the dead-letter admin of the async
// queue; a sync bot has none (q is nil): 409.
func mountAdmin(e *echo.Echo, q store.DeadLetterAdmin, token string) {
	g := e.Group("/admin", func(next echo.HandlerFunc) echo.HandlerFunc {
		want := []byte("Bearer " + token)
		return func(c echo.Context) error {
			got := []byte(c.Request().Header.Get("Authorization"))
			if subtle.ConstantTimeCompare(got, want) != 1 {
				return echo.NewHTTPError(http.StatusUnauthorized, "unauthorized")
			}
			if q == nil {
				return adminError(errNoQueue)
			}
			return next(c)
		}
	})
	g.GET("/deadletters", func(c echo.Context) error {
		limit := 100
		if v := c.QueryParam("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return echo.NewHTTPError(http.StatusBadRequest, "limit: want a whole number of at least 1")
			}
			limit = n
		}
		dead, err := q.DeadLetters(c.Request().Context(), limit)
		if err != nil {
			return adminError(err)
		}
		out := make([]deadLetterView, len(dead))
		for i, d := range dead {
			out[i] = deadLetterView{ID: d.ID, Provider: d.Provider, Chat: d.ChatID, Key: d.Key,
				Reason: d.Reason, Pushed: d.Pushed, Failed: d.Failed}
			if json.Valid(d.Update) {
				out[i].Update = d.Update
			}
		}
		return c.JSON(http.StatusOK, out)
	})
	g.POST("/deadletters/:id/replay", func(c echo.Context) error {
		if err := q.Replay(c.Request().Context(), c.Param("id")); err != nil {
			return adminError(err)
		}
		return c.NoContent(http.StatusNoContent)
	})
	g.DELETE("/deadletters/:id", func(c echo.Context) error {
		if err := q.DropDeadLetter(c.Request().Context(), c.Param("id")); err != nil {
			return adminError(err)
		}
		return c.NoContent(http.StatusNoContent)
	})
}

// errNoQueue is the failure of a dead-letter call to a sync bot.
var errNoQueue = errors.New("the bot delivers synchronously and has no queue")

// adminError is the answer to a failed dead-letter call.
func adminError(err error) error {
	switch {
	case errors.Is(err, store.ErrNoDeadLetter):
		return echo.NewHTTPError(http.StatusNotFound, "no such dead letter")
	case errors.Is(err, errNoQueue):
		return echo.NewHTTPError(http.StatusConflict, "DELIVERY=sync: the bot has no queue and no dead letters")
	case errors.Is(err, store.ErrQueueFull):
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the queue is full; try again")
	}
	return echo.NewHTTPError(http.StatusInternalServerError, strings.TrimPrefix(err.Error(), "cardbot: "))
}
