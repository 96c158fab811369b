package greenapitest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// part is one field of a multipart form; a part with a file name is a
// file.
type part struct {
	name, fileName, ctype, value string
}

// postForm posts parts as multipart/form-data to url and returns the
// status and the body.
func postForm(t *testing.T, url string, parts ...part) (int, string) {
	t.Helper()
	form := make([]fakeapi.Part, len(parts))
	for i, p := range parts {
		form[i] = fakeapi.Part{Name: p.name, FileName: p.fileName, ContentType: p.ctype, Data: []byte(p.value)}
	}
	body, ctype := fakeapitest.Form(t, form...)
	a := fakeapitest.Do(t, fakeapitest.NewRequest(t, http.MethodPost, url, ctype, body))
	return a.Status, a.Body
}

// TestSendFileByUpload: the fake checks uploads as GREEN-API documents
// them, answers its errors, and records and serves what it accepted.
func TestSendFileByUpload(t *testing.T) {
	chat := part{name: "chatId", value: "79001234567@c.us"}
	file := part{name: "file", fileName: "list.vcf", ctype: "text/vcard", value: "BEGIN:VCARD\r\nEND:VCARD\r\n"}
	tests := []struct {
		name   string
		max    bool
		parts  []part
		status int
		msg    string // in the body
	}{
		{"file", false, []part{chat, file}, 200, "urlFile"},
		{"fileName, caption, quote", false, []part{chat, file, {name: "fileName", value: "Друзья.vcf"}, {name: "caption", value: "hi"}, {name: "quotedMessageId", value: "BAE5"}}, 200, "idMessage"},
		{"MAX", true, []part{{name: "chatId", value: "10000000"}, file}, 200, "idMessage"},
		{"no chatId", false, []part{file}, 400, "'chatId' is required"},
		{"a WhatsApp chat on MAX", true, []part{chat, file}, 400, "'chatId' must be a MAX chat id"},
		{"no file", false, []part{chat}, 400, "'file' is required"},
		{"two files", false, []part{chat, file, file}, 400, "only one 'file'"},
		{"an empty file", false, []part{chat, {name: "file", fileName: "a.txt"}}, 400, "'file' must not be empty"},
		{"no extension", false, []part{chat, {name: "file", fileName: "list", value: "x"}}, 400, "must contain a file extension"},
		{"a fileName without extension", false, []part{chat, file, {name: "fileName", value: "list."}}, 400, "must contain a file extension"},
		{"a BOM", false, []part{chat, file, {name: "fileName", value: "\uFEFFlist.vcf"}}, 400, "without a BOM"},
		{"a caption too long", true, []part{{name: "chatId", value: "10000000"}, file, {name: "caption", value: strings.Repeat("a", 4001)}}, 400, "'caption' length"},
		{"over the size cap", false, []part{chat, {name: "file", fileName: "big.bin", value: strings.Repeat("x", 65)}}, 413, "request entity too large"},
		{"at the size cap", false, []part{chat, {name: "file", fileName: "big.bin", value: strings.Repeat("x", 64)}}, 200, "idMessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []greenapitest.Option{greenapitest.WithMaxFileSize(64)}
			if tt.max {
				opts = append(opts, greenapitest.WithMAX())
			}
			s := newServer(t, opts...)
			url := s.URL + s.Config().PathPrefix + "/waInstance" + s.IDInstance + "/sendFileByUpload/" + s.Token
			status, body := postForm(t, url, tt.parts...)
			assert.Equal(t, tt.status, status, body)
			assert.Contains(t, body, tt.msg)
			calls := s.Calls()
			require.Len(t, calls, 1)
			assert.Nil(t, calls[0].Body, "a form is not kept as JSON")
			if status != 200 {
				assert.Empty(t, s.SentFiles())
				return
			}
			require.Len(t, s.SentFiles(), 1)
			assert.Equal(t, s.SentMessages(), s.SentFiles())
		})
	}
}

// TestSentFiles: what a file upload recorded, and its urlFile serving it.
func TestSentFiles(t *testing.T) {
	s := newServer(t)
	status, _ := postForm(t, api(s, "sendMessage"), part{name: "x", value: "y"})
	assert.Equal(t, 400, status, "other methods still want JSON")
	status, body := postForm(t, api(s, "sendFileByUpload"),
		part{name: "chatId", value: "79001234567@c.us"},
		part{name: "file", fileName: "a.csv", ctype: "text/csv", value: "a,b\n1,2\n"},
		part{name: "fileName", value: "report.csv"},
		part{name: "caption", value: "the report"},
		part{name: "quotedMessageId", value: "BAE5F4886AC5A8E0"})
	require.Equal(t, 200, status, body)
	got := s.SentFiles()
	require.Len(t, got, 1)
	m := got[0]
	assert.Equal(t, "sendFileByUpload", m.Method)
	assert.Equal(t, "79001234567@c.us", m.ChatID)
	assert.Equal(t, "BAE5F4886AC5A8E0", m.QuotedMessageID)
	assert.Contains(t, body, `"idMessage":"`+m.ID+`"`)
	require.NotNil(t, m.File)
	assert.Equal(t, "report.csv", m.File.Name)
	assert.Equal(t, "text/csv", m.File.ContentType)
	assert.Equal(t, "a,b\n1,2\n", string(m.File.Data))
	assert.Equal(t, "the report", m.File.Caption)

	code, ctype, served := do(t, http.MethodGet, m.File.URL, "")
	assert.Equal(t, 200, code)
	assert.Equal(t, "text/csv", ctype)
	assert.Equal(t, "a,b\n1,2\n", served)

	s.Reset()
	assert.Empty(t, s.SentFiles())
}

// TestSendFileByUploadFailure: FailNext answers a file upload too.
func TestSendFileByUploadFailure(t *testing.T) {
	s := newServer(t)
	s.FailNext(1, http.StatusTooManyRequests, 0)
	status, _ := postForm(t, api(s, "sendFileByUpload"), part{name: "chatId", value: "79001234567@c.us"}, part{name: "file", fileName: "a.txt", value: "a"})
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Empty(t, s.SentFiles())
}

// TestSendFileByUploadRefusesBodies: a body that is no multipart form, or
// a form that does not parse, is refused with GREEN-API's validation error.
func TestSendFileByUploadRefusesBodies(t *testing.T) {
	tests := []struct {
		name, ctype, body, msg string
	}{
		{"JSON", "application/json", `{"chatId":"79001234567@c.us"}`, "the body must be multipart/form-data"},
		{"a part header without a colon", "multipart/form-data; boundary=x", "--x\r\nno colon here\r\n\r\ndata\r\n--x--\r\n", "the multipart body cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			a := fakeapitest.Do(t, fakeapitest.NewRequest(t, http.MethodPost, api(s, "sendFileByUpload"), tt.ctype, tt.body))
			assert.Equal(t, http.StatusBadRequest, a.Status)
			assert.Contains(t, a.Body, tt.msg)
			assert.Empty(t, s.SentFiles())
		})
	}
}
