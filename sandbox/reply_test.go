package sandbox

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A file the bot sent downloads from a data: URL of its type, up to
// MaxDocumentURL bytes.
func TestDocument(t *testing.T) {
	big := []byte(strings.Repeat("a", MaxDocumentURL+1))
	tests := []struct {
		name, contentType string
		data              []byte
		want              ReplyDocument
	}{
		{"typed", "text/vcard", []byte("BEGIN"), ReplyDocument{Name: "f", ContentType: "text/vcard", Size: 5, URL: "data:text/vcard;base64,QkVHSU4="}},
		{"of no type", "", []byte("BEGIN"), ReplyDocument{Name: "f", Size: 5, URL: "data:application/octet-stream;base64,QkVHSU4="}},
		{"too large for a URL", "text/plain", big, ReplyDocument{Name: "f", ContentType: "text/plain", Size: MaxDocumentURL + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, *document("f", tt.contentType, tt.data))
		})
	}
}

// A webhook event keeps a JSON body as it is and quotes anything else, so
// that the event stays JSON.
func TestJSONOrString(t *testing.T) {
	assert.Equal(t, json.RawMessage(`{"a":1}`), jsonOrString([]byte(`{"a":1}`)))
	assert.Equal(t, json.RawMessage(`"a=1\u0026b"`), jsonOrString([]byte(`a=1&b`)))
}
