package providertest

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// HostileBodies checks a client's downloads of the bodies of
// apitest.ServeHostile: the one that drips ("slow") fails with
// cardbot.ErrDownloadTimeout once the client's download timeout passed,
// and the one without end ("endless") is cut at the bot's document size
// cap. chat is a chat id of the provider.
func HostileBodies[C Client](t *testing.T, c C, chat string, slow, endless cardbot.Document) {
	t.Run("slow body times out", func(t *testing.T) {
		rc, err := c.Download(t.Context(), slow)
		require.NoError(t, err)
		defer rc.Close()
		_, err = io.ReadAll(rc)
		require.ErrorIs(t, err, cardbot.ErrDownloadTimeout)
	})
	t.Run("huge body is cut at the cap", func(t *testing.T) {
		bot := cardbot.New(cardbot.WithMaxDocumentSize(64<<10), cardbot.WithLogger(slog.New(slog.DiscardHandler)))
		endless.FileName = "x.vcf"
		u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: chat}, Message: &cardbot.Message{Document: &endless}}
		_, err := cardbot.NewContext(t.Context(), bot, c, &u).Contacts()
		require.ErrorIs(t, err, cardbot.ErrDocumentTooLarge)
	})
}
