package greenapitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// File is the file of a sendFileByUpload the server accepted.
type File struct {
	// Name is the fileName field, else the file part's file name.
	Name string
	// ContentType is the Content-Type of the file part.
	ContentType string
	// Data is the file's content.
	Data []byte
	// Caption is the caption field, or empty.
	Caption string
	// URL is the urlFile the server answered; a GET of it serves the file.
	URL string
}

// formSlack is how much more than the file a sendFileByUpload body may
// hold: its other fields and the multipart framing.
const formSlack = 1 << 20

// WithMaxFileSize sets the largest file sendFileByUpload takes, in bytes:
// greenapi.MaxFileSize, GREEN-API's 100 MB, by default. A bigger one is
// answered 413.
func WithMaxFileSize(n int64) Option {
	return func(o *options) { o.MaxFileSize = n }
}

// SentFiles returns the files of the messages accepted so far, in order:
// the SentMessages of sendFileByUpload.
func (s *Server) SentFiles() []SentMessage {
	var out []SentMessage
	for _, m := range s.sent.All() {
		if m.File != nil {
			out = append(out, m)
		}
	}
	return out
}

// bodyLimit is the largest body the server reads of r: a file and its
// form for sendFileByUpload, fakeapi.MaxBody for every other call.
func (s *Server) bodyLimit(r *http.Request) int64 {
	upload := strings.HasSuffix(strings.ToLower(path.Dir(r.URL.Path)), "/sendfilebyupload")
	return fakeapi.BodyLimit(upload, s.opts.FileCap(), formSlack)
}

// form is a sendFileByUpload body, read.
type form struct {
	fields   map[string]json.RawMessage // chatId, quotedMessageId as JSON strings, for the checks of JSON bodies
	file     *File
	files    int
	fileName string
	named    bool // fileName was sent
	caption  string
}

// readForm reads a multipart/form-data body; a field sent twice keeps its
// last value.
func readForm(r *http.Request, body []byte) (*form, error) {
	parts, err := fakeapi.ReadForm(r, body)
	switch {
	case errors.Is(err, fakeapi.ErrNotForm):
		return nil, errors.New("the body must be multipart/form-data")
	case err != nil:
		return nil, fmt.Errorf("the multipart body cannot be read: %v", err)
	}
	f := &form{fields: make(map[string]json.RawMessage)}
	for _, p := range parts {
		switch p.Name {
		case "file":
			f.files++
			f.file = &File{Name: p.FileName, ContentType: p.ContentType, Data: p.Data}
		case "fileName":
			f.fileName, f.named = string(p.Data), true
		case "caption":
			f.caption = string(p.Data)
		case "chatId", "quotedMessageId":
			f.fields[p.Name], _ = json.Marshal(string(p.Data))
		}
	}
	return f, nil
}

// sendFileByUpload checks a file upload as GREEN-API documents it: chatId
// and file required, one file, a name with an extension in UTF-8 without
// a BOM, a caption within the text limit, the file within the size cap.
func (s *Server) sendFileByUpload(r *http.Request, body []byte, call *Call) answer {
	call.Body = nil // not JSON
	f, err := readForm(r, body)
	if err != nil {
		return s.invalid(err.Error())
	}
	chat, bad := s.chatID(f.fields)
	if bad != nil {
		return *bad
	}
	switch {
	case f.file == nil:
		return s.invalid("'file' is required")
	case f.files > 1:
		return s.invalid("only one 'file' may be sent")
	case int64(len(f.file.Data)) > s.opts.FileCap():
		return textAnswer(http.StatusRequestEntityTooLarge, fmt.Sprintf("request entity too large: the file limit is %d bytes", s.opts.FileCap()))
	case len(f.file.Data) == 0:
		return s.invalid("'file' must not be empty")
	}
	name := f.file.Name
	if f.named {
		name = f.fileName
	}
	switch {
	case !utf8.ValidString(name) || strings.HasPrefix(name, "\uFEFF"):
		return s.invalid("'fileName' must be UTF-8 without a BOM")
	case len(path.Ext(name)) < 2:
		return s.invalid("'fileName' must contain a file extension")
	case utf8.RuneCountInString(f.caption) > s.captionLimit():
		return s.invalid(fmt.Sprintf("'caption' length must be less than or equal to %d characters long", s.captionLimit()))
	}
	// readForm stores a form's fields as JSON strings, which quoted
	// never refuses.
	q, _ := s.quoted(f.fields)
	f.file.Name, f.file.Caption = name, f.caption
	return s.acceptFile(SentMessage{Method: "sendFileByUpload", ChatID: chat, QuotedMessageID: q, File: f.file})
}

// acceptFile records a sent file, serves it at its urlFile, and answers
// idMessage and urlFile.
func (s *Server) acceptFile(m SentMessage) answer {
	s.mu.Lock()
	m.ID = s.nextID()
	m.File.URL = s.addFile(m.File.Name, m.File.ContentType, m.File.Data)
	s.sent.Add(m)
	s.mu.Unlock()
	s.opts.Sent(m)
	return jsonAnswer(http.StatusOK, map[string]string{"idMessage": m.ID, "urlFile": m.File.URL})
}

// captionLimit is the longest caption sendFileByUpload takes: the text
// limit, and 1 024 characters on Telegram.
func (s *Server) captionLimit() int {
	if s.opts.telegram {
		return min(s.opts.maxTextLength, greenapi.TelegramMaxCaptionLength)
	}
	return s.opts.maxTextLength
}
