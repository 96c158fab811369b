package sandbox

import "encoding/base64"

// Reply is one message the bot sent, the same for every messenger: the
// answer of the curl routes and the data of a "reply" event.
type Reply struct {
	// Chat is the chat it went to, as the provider writes it.
	Chat string `json:"chat"`
	// Text is a text message's text.
	Text string `json:"text,omitempty"`
	// Contact is a shared contact.
	Contact *ReplyContact `json:"contact,omitempty"`
	// Document is a file the bot sent (Text is then its caption).
	Document *ReplyDocument `json:"document,omitempty"`
}

// ReplyDocument is a file the bot sent.
type ReplyDocument struct {
	// Name is the file's name, ContentType its type, Size its length.
	Name        string `json:"name"`
	ContentType string `json:"contentType,omitempty"`
	Size        int    `json:"size"`
	// URL downloads it: a data: URL of its bytes, for a file of up to
	// MaxDocumentURL bytes; empty for a larger one.
	URL string `json:"url,omitempty"`
}

// MaxDocumentURL is the largest file a ReplyDocument carries in its URL.
const MaxDocumentURL = 2 << 20

// document makes the ReplyDocument of a file the bot sent.
func document(name, contentType string, data []byte) *ReplyDocument {
	d := &ReplyDocument{Name: name, ContentType: contentType, Size: len(data)}
	if len(data) <= MaxDocumentURL {
		t := contentType
		if t == "" {
			t = "application/octet-stream"
		}
		d.URL = "data:" + t + ";base64," + base64.StdEncoding.EncodeToString(data)
	}
	return d
}

// ReplyContact is a contact the bot sent: by number, or (MAX, and Aitu
// users) by the contact's account on the messenger.
type ReplyContact struct {
	// Phone is the number as international digits, when sent by number.
	Phone string `json:"phone,omitempty"`
	// Account is the contact's MAX chat id or Aitu user id, when sent by
	// account.
	Account string `json:"account,omitempty"`
	// FirstName, LastName and Company are the names sent with it.
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Company   string `json:"company,omitempty"`
}
