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

// TestCutShort: the server sees the header, the path and the declared
// length, and the body ends before it, as a client's that died.
func TestCutShort(t *testing.T) {
	type seen struct {
		path, token string
		length      int64
		body        string
		err         error
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		got <- seen{r.URL.RequestURI(), r.Header.Get("X-Token"), r.ContentLength, string(b), err}
		http.Error(w, "cut", http.StatusBadRequest)
	}))
	defer srv.Close()
	a := fakeapitest.CutShort(t, srv.URL+"/a/b?x=1", http.Header{"X-Token": {"t"}}, `{"a":`)
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Equal(t, "cut\n", a.Body)
	s := <-got
	assert.Equal(t, "/a/b?x=1", s.path)
	assert.Equal(t, "t", s.token)
	assert.Equal(t, int64(len(`{"a":`)+64), s.length)
	assert.Equal(t, `{"a":`, s.body)
	assert.ErrorIs(t, s.err, io.ErrUnexpectedEOF)
}
