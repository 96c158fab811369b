package contracttest_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestRefusals: the sends the real APIs refuse are refused by the fakes
// (a request written by hand answers 400 and nothing is sent), and the
// contract bot's client never gets them through: it fails before any
// request with the typed error, nothing sent, or writes the request the
// API takes. Each case runs a command through the webhook route, as a user
// would.
func TestRefusals(t *testing.T) {
	f := newFixture(t)
	// Anna is in the MAX instance's contact base; +7 900 555-66-77 is not.
	f.max.AddMAXContact("79001112233", "10000002", "Anna")

	tests := []struct {
		name      string
		server    *greenapitest.Server
		messenger *messenger
		chat      string
		command   string
		check     func(t *testing.T, err error, got []greenapitest.SentMessage)
		// refusedBy is the method the client must not call when it
		// refuses the send itself, before any request; "" when it sends.
		refusedBy string
		// raw is the request the fake refuses: its method and body.
		rawMethod, rawBody string
	}{
		{
			name: "Telegram sendContact without firstName", server: f.tg, messenger: f.tgm, chat: tgChat,
			command: "/card +79001112233",
			check: func(t *testing.T, err error, got []greenapitest.SentMessage) {
				require.NoError(t, err, "a card without names is sent with the number as firstName")
				require.Len(t, got, 1)
				assert.Equal(t, "sendContact", got[0].Method)
				assert.Equal(t, &greenapitest.Contact{PhoneContact: 79001112233, FirstName: "+79001112233"}, got[0].Contact)
			},
			rawMethod: "sendContact", rawBody: `{"chatId":"20000001","contact":{"phoneContact":79001112233}}`,
		},
		{
			name: "MAX contact not in the contact base", server: f.max, messenger: f.maxm, chat: maxChat,
			command: "/card +79005556677",
			check: func(t *testing.T, err error, got []greenapitest.SentMessage) {
				var notOn *greenapi.NotOnMAXError
				require.ErrorAs(t, err, &notOn)
				assert.True(t, notOn.NotInContacts)
				assert.Equal(t, "79005556677", notOn.Number)
				assert.ErrorIs(t, err, greenapi.ErrNotOnMAX)
				assert.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
				assert.Empty(t, got)
			},
			refusedBy: "sendContact",
			rawMethod: "sendContact", rawBody: `{"chatId":"10000001","contact":{"chatId":"10000099"}}`,
		},
		{
			name: "MAX contact in the contact base", server: f.max, messenger: f.maxm, chat: maxChat,
			command: "/card +79001112233",
			check: func(t *testing.T, err error, got []greenapitest.SentMessage) {
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, "sendContact", got[0].Method)
				assert.Equal(t, "10000002", got[0].Contact.ChatID)
			},
		},
		{
			name: "Telegram chat id not numeric", server: f.tg, messenger: f.tgm, chat: tgChat,
			command: "/to alice hi",
			check: func(t *testing.T, err error, got []greenapitest.SentMessage) {
				require.ErrorIs(t, err, greenapi.ErrValidation)
				assert.NotContains(t, err.Error(), f.tg.Token, "no token in the error")
				assert.Empty(t, got)
			},
			refusedBy: "sendMessage",
			rawMethod: "sendMessage", rawBody: `{"chatId":"alice","message":"hi"}`,
		},
		{
			name: "Telegram chat id numeric", server: f.tg, messenger: f.tgm, chat: tgChat,
			command: "/to -10000000000001 hi",
			check: func(t *testing.T, err error, got []greenapitest.SentMessage) {
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, "-10000000000001", got[0].ChatID)
				assert.Equal(t, "hi", got[0].Text)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.sentCounts()
			calls := len(tt.server.Calls())
			seen, errs := f.bot.counts()
			require.NoError(t, tt.messenger.push(t.Context(), tt.server.IncomingText(greenapitest.Incoming{ChatID: tt.chat}, tt.command)))

			ran, failed := f.bot.since(seen, errs)
			assert.Empty(t, ran, "a command, not an event handler")
			require.Len(t, failed, 1, "the command tried its send")
			tt.check(t, failed[0], tt.server.SentMessages()[before[tt.messenger]:])
			for _, other := range f.messengers() {
				if other != tt.messenger {
					assert.Len(t, other.sent(), before[other], "nothing sent through %s", other.label)
				}
			}

			if tt.refusedBy != "" {
				for _, c := range tt.server.Calls()[calls:] {
					assert.NotEqual(t, tt.refusedBy, c.Method, "refused before any request")
				}
			}

			if tt.rawMethod == "" {
				return
			}
			n := len(tt.server.SentMessages())
			cfg := tt.server.Config()
			url := cfg.APIURL + cfg.PathPrefix + "/waInstance" + cfg.IDInstance + "/" + tt.rawMethod + "/" + cfg.APITokenInstance
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewBufferString(tt.rawBody))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			resp, err := tt.server.Client().Do(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the fake refuses what the API refuses")
			assert.Len(t, tt.server.SentMessages(), n, "nothing sent")
		})
	}
}
