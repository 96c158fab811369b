package sandbox

import "context"

// Shutdown stops a bot that the sandbox plays for, in the order that
// loses nothing: first the bot drains (Bot.Shutdown: the updates in
// flight, and in async mode its queue, are handled, and their answers
// reach the fake APIs, which still run), then Close ends the page's event
// streams, which would hold a server's graceful Shutdown, and stops the
// fakes. Call it when the process is asked to stop, before the server's
// Shutdown. An update that arrives while the bot drains is answered 503
// (cardbot.ErrShuttingDown). It returns the bot's error (ctx ended before
// the bot drained); the sandbox is closed in any case.
func (s *Sandbox) Shutdown(ctx context.Context) error {
	err := s.bot.Shutdown(ctx)
	_ = s.Close()
	return err
}
