package aitu_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/providertest"
)

// TestSendFile: a file is uploaded and then shown in the chat by a
// SendMessage whose mediaList names it as a DOCUMENT.
func TestSendFile(t *testing.T) {
	pdf := cardbot.File{Name: "report.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7"), Caption: "the report"}
	tests := []struct {
		name     string
		chat     string
		file     cardbot.File
		wantType string
	}{
		{"to a user", "USER:" + userID, pdf, "application/pdf"},
		{"to a group, quoting, the type by extension", "GROUP:" + groupID, cardbot.File{Name: "scan.pdf", Data: []byte("%PDF"), ReplyTo: messageID}, "application/pdf"},
		{"quotes and a semicolon in the name", "USER:" + userID, cardbot.File{Name: `say "hi"; ok.txt`, ContentType: "text/plain", Data: []byte("x")}, "text/plain"},
		{"to a channel, a Cyrillic name, no caption", "CHANNEL:" + channelID, cardbot.File{Name: "Отчёт.txt", ContentType: "text/plain", Data: []byte("x")}, "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			sent, err := c.Send(t.Context(), tt.chat, tt.file)
			require.NoError(t, err)

			files := srv.SentFiles()
			require.Len(t, files, 1)
			f := files[0]
			assert.Equal(t, f.LocalID, sent.ID)
			peer, err := aitu.ParseChatID(tt.chat)
			require.NoError(t, err)
			assert.Equal(t, aitu.ChatID(peer.Type, peer.ID), f.Chat)
			assert.Equal(t, tt.file.Caption, f.Caption)
			assert.Equal(t, tt.file.ReplyTo, f.ReplyToMessageID)
			assert.Equal(t, aitu.InputMedia{FileID: f.Upload.FileID, Name: tt.file.Name, MediaType: "DOCUMENT"}, f.Media)
			assert.Equal(t, tt.file.Name, f.Upload.Name)
			assert.Equal(t, tt.wantType, f.Upload.ContentType)
			assert.Equal(t, tt.file.Data, f.Upload.Data)
			assert.Equal(t, []string{"POST upload/", "POST updates/"}, paths(srv))
		})
	}
}

// TestSendVCardFileAitu: two cards sent as one .vcf reach Aitu as a
// text/vcard upload that parses back to the same contacts.
func TestSendVCardFileAitu(t *testing.T) {
	cards, err := contactcard.Parse(strings.NewReader("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ахметова;Айгүл;;;\r\nTEL:8 701 123 45 67\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:KFC Almaty\r\nORG:KFC\r\nTEL;TYPE=WORK:+7 727 200 00 00\r\nEMAIL:info@kfc.kz\r\nEND:VCARD\r\n"))
	require.NoError(t, err)
	require.Len(t, cards, 2)
	srv := newServer(t)
	c := newClient(t, srv)
	u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "USER:" + userID}, Message: &cardbot.Message{ID: messageID, Text: "/export"}}
	require.NoError(t, cardbottest.NewContext(t, c, u, cardbot.WithProviders(c)).SendVCard("Контакты", cards...))

	files := srv.SentFiles()
	require.Len(t, files, 1)
	assert.Equal(t, "Контакты.vcf", files[0].Media.Name)
	assert.Equal(t, "text/vcard", files[0].Upload.ContentType)
	back, err := contactcard.Parser{Region: "KZ"}.Parse(bytes.NewReader(files[0].Upload.Data))
	require.NoError(t, err)
	require.Len(t, back, 2)
	for i := range cards {
		assert.Equal(t, cards[i].FormattedName, back[i].FormattedName)
		assert.Equal(t, cards[i].Company, back[i].Company)
		assert.Equal(t, cards[i].Emails, back[i].Emails)
		require.Len(t, back[i].Phones, 1)
		assert.Equal(t, cards[i].Phones[0].Number, back[i].Phones[0].Number)
	}
}

// refusedFiles are the files and chats that Aitu refuses before any
// request, besides those every provider refuses (see TestContract).
var refusedFiles = []providertest.Refusal{
	{Name: "over the default cap", File: cardbot.File{Name: "big.bin", Data: make([]byte, aitu.DefaultMaxFileSize+1)}, Want: cardbot.ErrFileTooLarge},
	{Name: "a caption too long", File: cardbot.File{Name: "a.txt", Data: []byte("x"), Caption: strings.Repeat("😀", 2049)}, Want: aitu.ErrValidation},
	{Name: "a reply-to that is no UUID", File: cardbot.File{Name: "a.txt", Data: []byte("x"), ReplyTo: "42"}, Want: aitu.ErrValidation},
	{Name: "a bare UUID chat", Chat: userID, File: cardbot.File{Name: "a.txt", Data: []byte("hello")}, Want: aitu.ErrValidation},
}

// failing is a proxy in front of a fake that answers the first n requests
// of one path itself, with status and body, and passes the rest on. It
// returns its base URL and the count of requests of that path.
func failing(t *testing.T, srv *aitutest.Server, path string, n int32, status int, body string) (string, *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	var left, hits atomic.Int32
	left.Store(n)
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, path) {
			proxy.ServeHTTP(w, r)
			return
		}
		hits.Add(1)
		if left.Add(-1) >= 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(strings.ReplaceAll(body, "TOKEN", srv.Token)))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p.URL + target.Path, &hits
}

// TestSendFileStepFails: a failure of the upload or of the SendMessage
// after it is a *FileError that names its step and keeps the APIError's
// kind; the SendMessage of a stored file is not sent twice, the upload
// is retried like a read; no error holds the token.
func TestSendFileStepFails(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		times     int32
		status    int
		body      string
		step      aitu.FileStep
		want      error
		retryable bool
		hits      int32 // requests of path
		uploads   int   // uploads that reached the fake
		sends     int   // SendMessages that reached the fake
	}{
		{"upload 500 to the end", "/upload/", 9, 500, `{"message":"System error"}`, aitu.StepUpload, aitu.ErrTransient, true, 4, 0, 0},
		{"upload 503 once, then it goes", "/upload/", 1, 503, `{"message":"busy"}`, "", nil, false, 2, 1, 1},
		{"upload answers no JSON", "/upload/", 1, 200, `<html>ok</html>`, aitu.StepUpload, nil, false, 1, 0, 0},
		{"upload answers no file", "/upload/", 1, 200, `{"uploadedFiles":[]}`, aitu.StepUpload, nil, false, 1, 0, 0},
		{"upload answers no file id", "/upload/", 1, 200, `{"uploadedFiles":[{"fileName":"a.txt"}]}`, aitu.StepUpload, nil, false, 1, 0, 0},
		{"upload answers the token", "/upload/", 1, 200, `{"uploadedFiles":"TOKEN"}`, aitu.StepUpload, nil, false, 1, 0, 0},
		{"SendMessage 400", "/updates/", 1, 400, `{"message":"mediaList[0].fileId: file not found"}`, aitu.StepSendMessage, aitu.ErrValidation, false, 1, 1, 0},
		{"SendMessage 500 is not sent twice", "/updates/", 9, 500, `{"message":"System error"}`, aitu.StepSendMessage, aitu.ErrTransient, true, 1, 1, 0},
		{"SendMessage 504 is not sent twice", "/updates/", 9, 504, `{"message":"Gateway timeout"}`, aitu.StepSendMessage, aitu.ErrTransient, true, 1, 1, 0},
		{"SendMessage 429 once, then it goes", "/updates/", 1, 429, `{"message":"Too many requests"}`, "", nil, false, 2, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			base, hits := failing(t, srv, tt.path, tt.times, tt.status, tt.body)
			c := newClient(t, srv, func(cfg *aitu.Config) { cfg.APIURL = base })
			_, err := c.Send(t.Context(), "USER:"+userID, cardbot.File{Name: "a.txt", Data: []byte("hello")})
			assert.Equal(t, tt.hits, hits.Load(), "requests of %s", tt.path)
			assert.Len(t, srv.Uploads(), tt.uploads)
			assert.Len(t, srv.SentFiles(), tt.sends)
			if tt.step == "" {
				require.NoError(t, err)
				return
			}
			var fe *aitu.FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.step, fe.Step)
			assert.Equal(t, "a.txt", fe.Name)
			assert.Contains(t, err.Error(), string(tt.step)+" failed")
			if tt.step == aitu.StepSendMessage {
				assert.Equal(t, srv.Uploads()[0].FileID, fe.FileID, "the stored file is named")
			}
			var ae *aitu.APIError
			require.ErrorAs(t, err, &ae)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			} else {
				assert.Contains(t, ae.Message, "unexpected response")
			}
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			assert.NotContains(t, err.Error(), srv.Token)
		})
	}
}

// TestSendFileToTheWrongPeerType: the fake stores the file, then refuses
// the SendMessage to a group written as a user, as Aitu does.
func TestSendFileToTheWrongPeerType(t *testing.T) {
	srv := newServer(t)
	srv.AddPeer(aitu.PeerGroup, groupID)
	c := newClient(t, srv)
	_, err := c.Send(t.Context(), "USER:"+groupID, cardbot.File{Name: "a.txt", Data: []byte("hello")})
	var fe *aitu.FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, aitu.StepSendMessage, fe.Step)
	require.ErrorIs(t, err, aitu.ErrValidation)
	assert.Contains(t, err.Error(), "doesn't match")
	assert.Len(t, srv.Uploads(), 1)
	assert.Empty(t, srv.SentFiles())
}
