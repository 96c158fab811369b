package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	victorCard = "BEGIN:VCARD\nVERSION:3.0\nN:Андреевич;Виктор;;;\nFN:Виктор Андреевич\nORG:Image\nTEL;TYPE=CELL:+7 900 123-45-69\nEND:VCARD"
	tanWeiCard = "BEGIN:VCARD\nFN:Tan Wei\nTEL:+65 6123 4567\nEND:VCARD"
)

// sentCard is what a test checks of a sent contact.
type sentCard struct {
	phone, first, last string
	byAccount          bool
}

func cardsOf(rs []Reply) []sentCard {
	var out []sentCard
	for _, r := range rs {
		if c := r.Contact; c != nil {
			out = append(out, sentCard{c.Phone, c.FirstName, c.LastName, c.Account != ""})
		}
	}
	return out
}

func textsOf(rs []Reply) []string {
	var out []string
	for _, r := range rs {
		if r.Contact == nil {
			out = append(out, r.Text)
		}
	}
	return out
}

func TestCurlRoutes(t *testing.T) {
	s := start(t, Config{})
	android, err := os.ReadFile("../contactcard/testdata/android_21_qp.vcf")
	require.NoError(t, err)
	tanWei := []string{"Not sent: Tan Wei: +6561234567 has 10 digits where 11–12 are needed"}

	tests := []struct {
		name, route, body             string
		texts                         []string
		whatsapp, max, telegram, aitu []sentCard
	}{
		{name: "text", route: "text", body: "Привет, bot!", texts: []string{"Привет, bot!"}},
		{
			name: "shared contact", route: "contact", body: victorCard,
			whatsapp: []sentCard{{"79001234569", "Виктор", "Андреевич", false}},
			max:      []sentCard{{"", "", "", true}},
			telegram: []sentCard{{"79001234569", "Виктор", "Андреевич", false}},
			aitu:     []sentCard{{"79001234569", "Виктор", "Андреевич", false}},
		},
		{
			name: "vcf with two cards", route: "vcf", body: string(android),
			whatsapp: []sentCard{{"79261112233", "Дмитрий", "Кузнецов", false}, {"79641234567", "Ольга", "Лебедева", false}},
			max:      []sentCard{{"", "", "", true}, {"", "", "", true}},
			telegram: []sentCard{{"79261112233", "Дмитрий Александрович", "Кузнецов", false}, {"79641234567", "Ольга", "Лебедева", false}},
			aitu:     []sentCard{{"79261112233", "Дмитрий Александрович", "Кузнецов", false}, {"79641234567", "Ольга", "Лебедева", false}},
		},
		{name: "card with a bad number", route: "contact", body: tanWeiCard, texts: tanWei},
	}
	for _, m := range []struct {
		name Messenger
		chat string
	}{{WhatsApp, "79001234567@c.us"}, {MAX, "10000000"}, {Telegram, "10000000"}, {Aitu, "USER:"}} {
		for _, tt := range tests {
			t.Run(string(m.name)+"/"+tt.name, func(t *testing.T) {
				replies := say(t, s.url, string(m.name)+"/"+tt.route, tt.body)
				assert.Equal(t, tt.texts, textsOf(replies))
				want := map[Messenger][]sentCard{WhatsApp: tt.whatsapp, MAX: tt.max, Telegram: tt.telegram, Aitu: tt.aitu}[m.name]
				assert.Equal(t, want, cardsOf(replies))
				require.NotEmpty(t, replies)
				for _, r := range replies {
					assert.True(t, strings.HasPrefix(r.Chat, m.chat), "answers go to the chat of the message: %q", r.Chat)
				}
			})
		}
	}

	t.Run("sent lists every reply", func(t *testing.T) {
		status, body := do(t, http.MethodGet, s.url+"/sandbox/whatsapp/sent", "")
		require.Equal(t, http.StatusOK, status)
		var all []Reply
		require.NoError(t, json.Unmarshal([]byte(body), &all))
		assert.Equal(t, []string{"Привет, bot!", tanWei[0]}, textsOf(all))
		assert.Len(t, cardsOf(all), 3)
	})
}

func TestCurlRoutesUsersAndGroup(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp, MAX, Telegram}})
	tests := []struct {
		name, route, want string
	}{
		{"another user", "whatsapp/text?user=aigerim", "77011234567@c.us"},
		{"the group", "whatsapp/text?user=lena&chat=group", "120363000000000001@g.us"},
		{"MAX user", "max/text?user=lena", "10000002"},
		{"MAX group", "max/text?chat=group", "-10000000000001"},
		{"Telegram user", "telegram/text?user=lena", "10000002"},
		{"Telegram group", "telegram/text?chat=group", "-10000000000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			replies := say(t, s.url, tt.route, "hi "+tt.name)
			require.Len(t, replies, 1)
			assert.Equal(t, Reply{Chat: tt.want, Text: "hi " + tt.name}, replies[0])
		})
	}
}

func TestCurlRoutesRefuse(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}})
	tests := []struct {
		name, method, route, body string
		status                    int
	}{
		{"messenger not played", http.MethodPost, "aitu/text", "hi", http.StatusNotFound},
		{"unknown messenger", http.MethodPost, "telegram/text", "hi", http.StatusNotFound},
		{"unknown user", http.MethodPost, "whatsapp/text?user=mallory", "hi", http.StatusNotFound},
		{"unknown chat", http.MethodPost, "whatsapp/text?chat=channel", "hi", http.StatusNotFound},
		{"body over 1 MiB", http.MethodPost, "whatsapp/text", strings.Repeat("a", bodyLimit+1), http.StatusRequestEntityTooLarge},
		{"again before anything", http.MethodPost, "whatsapp/again", "", http.StatusConflict},
		{"fault that is not JSON", http.MethodPost, "whatsapp/fault", "429", http.StatusBadRequest},
		{"fault with a status not played", http.MethodPost, "whatsapp/fault", `{"fail":404}`, http.StatusBadRequest},
		{"again on a messenger not played", http.MethodPost, "aitu/again", "", http.StatusNotFound},
		{"sent of a messenger not played", http.MethodGet, "max/sent", "", http.StatusNotFound},
		{"faults of a messenger not played", http.MethodGet, "max/fault", "", http.StatusNotFound},
		{"fault on a messenger not played", http.MethodPost, "max/fault", `{"fail":429}`, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, tt.method, s.url+"/sandbox/"+tt.route, tt.body)
			assert.Equal(t, tt.status, status, body)
		})
	}
}

func TestDeliverAgain(t *testing.T) {
	for _, m := range Messengers() {
		t.Run(string(m), func(t *testing.T) {
			s := start(t, Config{Messengers: []Messenger{m}})
			require.Len(t, say(t, s.url, string(m)+"/text", "once"), 1)
			assert.Empty(t, say(t, s.url, string(m)+"/again", ""), "a duplicate is not answered twice")
			hooks := s.eventsOf(KindWebhook)
			require.Len(t, hooks, 2)
			first, second := hooks[0].Data.(WebhookData), hooks[1].Data.(WebhookData)
			assert.False(t, first.Again)
			assert.True(t, second.Again)
			assert.JSONEq(t, string(first.Body), string(second.Body), "the same update, byte for byte")
			assert.Equal(t, http.StatusOK, second.Status)
		})
	}
}

func TestPageServed(t *testing.T) {
	s := start(t, Config{})
	tests := []struct {
		path, contains, contentType string
		status                      int
	}{
		{"/sandbox/", `<ol id="transcript"`, "text/html", http.StatusOK},
		{"/sandbox/static/app.js", "EventSource", "javascript", http.StatusOK},
		{"/sandbox/static/style.css", "@media (max-width", "text/css", http.StatusOK},
		{"/sandbox/static/missing.js", "", "", http.StatusNotFound},
		{"/sandbox/api/setup", `"79001234567@c.us"`, "application/json", http.StatusOK},
		{"/sandbox/api/state?messenger=whatsapp&chat=x", "keeps no conversation state per chat", "application/json", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(s.url + tt.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			if tt.status == http.StatusOK {
				assert.Contains(t, resp.Header.Get("Content-Type"), tt.contentType)
				var b strings.Builder
				_, err := io.Copy(&b, resp.Body)
				require.NoError(t, err)
				assert.Contains(t, b.String(), tt.contains)
			}
		})
	}
}

// failingBody is a request body whose reading fails.
type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// A body that cannot be read is refused, and nothing reaches the bot.
func TestCurlRoutesBodyUnread(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}})
	req := httptest.NewRequest(http.MethodPost, "/sandbox/whatsapp/text", failingBody{})
	req.RemoteAddr = "127.0.0.1:1"
	req.Host = "127.0.0.1:8080"
	rec := httptest.NewRecorder()
	s.sb.Handler().ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "reading the body: connection reset")
	assert.Empty(t, s.eventsOf(KindWebhook), "nothing was delivered")
}

// GET …/fault shows the faults set, as the page's buttons read them.
func TestGetFaults(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}, SlowDelay: time.Second})
	get := func() string {
		status, body := do(t, http.MethodGet, s.url+"/sandbox/whatsapp/fault", "")
		require.Equal(t, http.StatusOK, status)
		return body
	}
	assert.JSONEq(t, `{}`, get())
	setFaults(t, s.url, WhatsApp, `{"fail":503,"count":2,"slow":true}`)
	assert.JSONEq(t, `{"failStatus":503,"failCount":2,"slowMs":1000}`, get())
}

// On Aitu the group's messages carry its title, and a contact that is not
// a vCard reaches the bot as a contact with nothing in it.
func TestCurlRoutesAitu(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{Aitu}})
	group := s.sb.ms[Aitu].peer.chatID(from{user: users[0], group: true})
	require.True(t, strings.HasPrefix(group, "GROUP:"), group)

	replies := say(t, s.url, "aitu/text?chat=group&user=lena", "hi all")
	assert.Equal(t, []Reply{{Chat: group, Text: "hi all"}}, replies)
	hooks := s.eventsOf(KindWebhook)
	require.Len(t, hooks, 1)
	assert.Contains(t, string(hooks[0].Data.(WebhookData).Body), groupTitle)

	replies = say(t, s.url, "aitu/contact", "not a vCard")
	require.Len(t, replies, 1)
	assert.Empty(t, cardsOf(replies))
	assert.Equal(t, []string{"Not sent:  has no number"}, textsOf(replies))
}

// A file the bot sends shows as a document the page can download.
func TestCurlRoutesFileReply(t *testing.T) {
	s := start(t, Config{})
	for _, m := range Messengers() {
		t.Run(string(m), func(t *testing.T) {
			replies := say(t, s.url, string(m)+"/text", "/file")
			require.Len(t, replies, 1)
			r := replies[0]
			assert.Equal(t, "your notes", r.Text, "the caption")
			require.NotNil(t, r.Document)
			assert.Equal(t, "notes.txt", r.Document.Name)
			assert.Equal(t, 5, r.Document.Size)
			assert.True(t, strings.HasPrefix(r.Document.ContentType, "text/plain"), r.Document.ContentType)
			assert.True(t, strings.HasSuffix(r.Document.URL, ";base64,aGVsbG8="), r.Document.URL)
		})
	}
}
