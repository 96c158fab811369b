package middleware

import (
	"log/slog"
	"time"

	"github.com/cardbot/cardbot"
)

// LoggerConfig configures Logger.
type LoggerConfig struct {
	// Skipper skips the middleware. Optional. Default DefaultSkipper.
	Skipper Skipper

	// Logger receives the lines. Optional. Default the bot's logger
	// (cardbot.WithLogger), or slog.Default() for a Context without bot.
	Logger *slog.Logger

	// Level is the level of updates handled without error. Optional.
	// Default slog.LevelInfo. Failures are logged at slog.LevelError.
	Level slog.Level

	// Message is the log message. Optional. Default "update".
	Message string
}

// DefaultLoggerConfig is the config of Logger.
var DefaultLoggerConfig = LoggerConfig{
	Skipper: DefaultSkipper,
	Level:   slog.LevelInfo,
	Message: "update",
}

// Logger returns a middleware that logs one line per update: the provider,
// the chat, the kind of update, the provider's message or status type, the
// duration and the error, if any.
func Logger() cardbot.MiddlewareFunc {
	return LoggerWithConfig(DefaultLoggerConfig)
}

// LoggerWithConfig returns Logger with cfg.
func LoggerWithConfig(cfg LoggerConfig) cardbot.MiddlewareFunc {
	if cfg.Skipper == nil {
		cfg.Skipper = DefaultLoggerConfig.Skipper
	}
	if cfg.Message == "" {
		cfg.Message = DefaultLoggerConfig.Message
	}
	return func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error {
			if cfg.Skipper(c) {
				return next(c)
			}
			start := time.Now()
			err := next(c)
			l := cfg.Logger
			if l == nil {
				if b := c.Bot(); b != nil {
					l = b.Logger()
				} else {
					l = slog.Default()
				}
			}
			level := cfg.Level
			if err != nil {
				level = slog.LevelError
			}
			ctx := c.Context()
			if !l.Enabled(ctx, level) {
				return err
			}
			u := c.Update()
			attrs := make([]slog.Attr, 0, 6)
			attrs = append(attrs,
				slog.String("provider", u.Provider),
				slog.String("chat", u.Chat.ID),
				slog.String("kind", u.Kind.String()))
			switch {
			case u.Message != nil && u.Message.Type != "":
				attrs = append(attrs, slog.String("type", u.Message.Type))
			case u.Status != nil:
				attrs = append(attrs, slog.String("status", u.Status.Name))
			}
			attrs = append(attrs, slog.Duration("duration", time.Since(start)))
			if err != nil {
				attrs = append(attrs, slog.Any("error", err))
			}
			l.LogAttrs(ctx, level, cfg.Message, attrs...)
			return err
		}
	}
}
