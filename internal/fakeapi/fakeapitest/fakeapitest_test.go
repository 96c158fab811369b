package fakeapitest_test

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
)

func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Content-Type", r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	tests := []struct {
		name, contentType string
	}{
		{"with a content type", "text/plain"},
		{"without", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeapitest.Do(t, fakeapitest.NewRequest(t, http.MethodPost, srv.URL, tt.contentType, "hello"))
			assert.Equal(t, http.StatusAccepted, a.Status)
			assert.Equal(t, tt.contentType, a.Header.Get("X-Content-Type"))
			assert.Equal(t, "hello", a.Body)
		})
	}
}

// TestForm: the form as multipart reads it, part by part.
func TestForm(t *testing.T) {
	body, ctype := fakeapitest.Form(t,
		fakeapi.Part{Name: "chatId", Data: []byte("1@c.us")},
		fakeapi.Part{Name: `a "quoted" name`, Data: []byte("x")},
		fakeapi.Part{Name: "file", FileName: "a.vcf", ContentType: "text/vcard", Data: []byte("BEGIN:VCARD\r\n")})
	mt, params, err := mime.ParseMediaType(ctype)
	require.NoError(t, err)
	assert.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(strings.NewReader(body), params["boundary"])
	want := []struct{ name, fileName, ctype, data string }{
		{"chatId", "", "", "1@c.us"},
		{`a "quoted" name`, "", "", "x"},
		{"file", "a.vcf", "text/vcard", "BEGIN:VCARD\r\n"},
	}
	for _, w := range want {
		p, err := mr.NextPart()
		require.NoError(t, err)
		data, err := io.ReadAll(p)
		require.NoError(t, err)
		assert.Equal(t, w.name, p.FormName())
		assert.Equal(t, w.fileName, p.FileName())
		assert.Equal(t, w.ctype, p.Header.Get("Content-Type"))
		assert.Equal(t, w.data, string(data))
	}
	_, err = mr.NextPart()
	assert.Equal(t, io.EOF, err)
}
