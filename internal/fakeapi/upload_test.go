package fakeapi_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
)

func TestBodyLimit(t *testing.T) {
	assert.Equal(t, int64(110), fakeapi.BodyLimit(true, 100, 10))
	assert.Equal(t, int64(fakeapi.MaxBody), fakeapi.BodyLimit(false, 100, 10))
}

// formRequest is a request with body and contentType.
func formRequest(t *testing.T, body []byte, contentType string) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://127.0.0.1/upload", bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// TestReadForm: what a client writes, ReadForm reads back, part by part.
func TestReadForm(t *testing.T) {
	tests := []struct {
		name  string
		parts []fakeapi.Part
	}{
		{"a file", []fakeapi.Part{{Name: "file", FileName: "a.vcf", ContentType: "text/vcard", Data: []byte("BEGIN:VCARD\r\n")}}},
		{"a file without a type", []fakeapi.Part{{Name: "file", FileName: "a.txt", Data: []byte("a")}}},
		{"fields in order", []fakeapi.Part{{Name: "chatId", Data: []byte("1@c.us")}, {Name: `a "quoted" name`, Data: []byte("x")}, {Name: "file", FileName: "b.bin", Data: []byte{0, 1}}}},
		{"none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, ctype := fakeapitest.Form(t, tt.parts...)
			r := formRequest(t, []byte(body), ctype)
			assert.True(t, fakeapi.IsForm(r))
			got, err := fakeapi.ReadForm(r, []byte(body))
			require.NoError(t, err)
			assert.Equal(t, tt.parts, got)
		})
	}
}

func TestReadFormRefuses(t *testing.T) {
	form, ctype := fakeapitest.Form(t, fakeapi.Part{Name: "file", FileName: "a.txt", Data: []byte("a")})
	body := []byte(form)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		notForm     bool
	}{
		{"JSON", []byte(`{"file":"x"}`), "application/json", true},
		{"no content type", body, "", true},
		{"no boundary", body, "multipart/form-data", true},
		{"mixed", body, "multipart/mixed; boundary=x", true},
		{"a part header without a colon", []byte("--x\r\nno colon here\r\n\r\ndata\r\n--x--\r\n"), "multipart/form-data; boundary=x", false},
		{"no closing boundary", body[:bytes.LastIndex(body, []byte("\r\n--"))], ctype, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fakeapi.ReadForm(formRequest(t, tt.body, tt.contentType), tt.body)
			require.Error(t, err)
			assert.Equal(t, tt.notForm, err == fakeapi.ErrNotForm, err)
		})
	}
}
