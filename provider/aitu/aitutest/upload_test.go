package aitutest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// formFile is one part of an upload/ form.
type formFile struct {
	field, name, ctype, data string
}

// postUpload posts files as a multipart form to upload/.
func postUpload(t *testing.T, srv *aitutest.Server, files ...formFile) (int, string) {
	t.Helper()
	parts := make([]fakeapi.Part, len(files))
	for i, f := range files {
		parts[i] = fakeapi.Part{Name: f.field, FileName: f.name, ContentType: f.ctype, Data: []byte(f.data)}
	}
	body, ctype := fakeapitest.Form(t, parts...)
	return request(t, srv, http.MethodPost, "upload/", srv.Token, ctype, body)
}

// TestUpload: upload/ stores every "file" part and answers its id; it
// refuses a form without one, a body that is no form, and a file over
// the cap, as Spring Boot does.
func TestUpload(t *testing.T) {
	vcf := formFile{"file", "a.vcf", "text/vcard", "BEGIN:VCARD\r\nEND:VCARD\r\n"}
	tests := []struct {
		name   string
		files  []formFile
		status int
		msg    string
		stored int
	}{
		{"one file", []formFile{vcf}, 200, `"fileName":"a.vcf"`, 1},
		{"two files", []formFile{vcf, {"file", "b.txt", "text/plain", "b"}}, 200, `"fileName":"b.txt"`, 2},
		{"at the cap", []formFile{{"file", "c.bin", "application/octet-stream", strings.Repeat("x", 32)}}, 200, "uploadedFiles", 1},
		{"no file part", []formFile{{"other", "a.vcf", "text/vcard", "x"}}, 400, "Required request part 'file' is not present", 0},
		{"over the cap", []formFile{{"file", "c.bin", "application/octet-stream", strings.Repeat("x", 33)}}, 413, "Maximum upload size exceeded", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, aitutest.WithMaxFileSize(32))
			status, body := postUpload(t, srv, tt.files...)
			assert.Equal(t, tt.status, status, body)
			assert.Contains(t, body, tt.msg)
			ups := srv.Uploads()
			require.Len(t, ups, tt.stored)
			for i, u := range ups {
				assert.Equal(t, tt.files[i].name, u.Name)
				assert.Equal(t, tt.files[i].ctype, u.ContentType)
				assert.Equal(t, tt.files[i].data, string(u.Data))
				assert.Contains(t, body, u.FileID)
			}
			calls := srv.Calls()
			require.Len(t, calls, 1)
			assert.Nil(t, calls[0].Body, "a form is not kept as JSON")
		})
	}
	t.Run("not a form", func(t *testing.T) {
		srv := newServer(t)
		status, body := do(t, srv, http.MethodPost, "upload/", srv.Token, `{"file":"x"}`)
		assert.Equal(t, 400, status)
		assert.Contains(t, body, "not a multipart request")
		assert.Empty(t, srv.Uploads())
	})
}

// TestSendMessageMedia: a SendMessage shows stored files only, of a known
// media type; SentFiles joins it with its upload, and download/ serves it.
func TestSendMessageMedia(t *testing.T) {
	media := func(fileID, mediaType string) string {
		return `{"fileId":"` + fileID + `","name":"list.vcf","mediaType":"` + mediaType + `"}`
	}
	const stored = "{stored}" // the id of the file each test uploads
	tests := []struct {
		name   string
		media  string
		status int
		msg    string
	}{
		{"a stored file", media(stored, "DOCUMENT"), 200, "{}"},
		{"an unknown file", media(aitutest.NewUUID(), "DOCUMENT"), 400, "mediaList[0].fileId"},
		{"no file id", media("", "DOCUMENT"), 400, "fileId must not be empty"},
		{"a bad media type", media(stored, "Document"), 400, "mediaType"},
		{"too many", strings.TrimSuffix(strings.Repeat(media(stored, "DOCUMENT")+",", 101), ","), 400, "mediaList size should be <= 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			status, body := postUpload(t, srv, formFile{"file", "list.vcf", "text/vcard", "BEGIN:VCARD\r\nEND:VCARD\r\n"})
			require.Equal(t, 200, status, body)
			id := srv.Uploads()[0].FileID
			list := strings.ReplaceAll(tt.media, stored, id)
			cmd := `{"type":"SendMessage","recipient":{"type":"USER","id":"` + userID + `"},"content":"","mediaList":[` + list + `]}`
			status, body = do(t, srv, http.MethodPost, "updates/", srv.Token, `{"commands":[`+cmd+`]}`)
			assert.Equal(t, tt.status, status, body)
			assert.Contains(t, body, tt.msg)
			if status != 200 {
				assert.Empty(t, srv.SentFiles())
				return
			}
			files := srv.SentFiles()
			require.Len(t, files, 1)
			f := files[0]
			assert.Equal(t, aitu.ChatID(aitu.PeerUser, userID), f.Chat)
			assert.Equal(t, aitu.InputMedia{FileID: id, Name: "list.vcf", MediaType: "DOCUMENT"}, f.Media)
			assert.Equal(t, "text/vcard", f.Upload.ContentType)
			assert.NotEmpty(t, f.MessageID)

			status, served := do(t, srv, http.MethodGet, "download/?fileId="+id, srv.Token, "")
			assert.Equal(t, 200, status)
			assert.Equal(t, "BEGIN:VCARD\r\nEND:VCARD\r\n", served)

			srv.Reset()
			assert.Empty(t, srv.Uploads(), "Reset forgets uploads")
		})
	}
}

func newServer(t *testing.T, opts ...aitutest.Option) *aitutest.Server {
	t.Helper()
	srv := aitutest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}
