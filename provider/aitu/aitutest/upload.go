package aitutest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/provider/aitu"
)

// Upload is a file the server stored from POST upload/.
type Upload struct {
	// FileID is the id the server answered, which a SendMessage's
	// mediaList names and download/ serves.
	FileID string
	// Name is the file name of the "file" part.
	Name string
	// ContentType is the Content-Type of the "file" part.
	ContentType string
	// Data is the file's content.
	Data []byte
}

// SentFile is a file a SendMessage showed in a chat: an element of its
// mediaList with the upload it names.
type SentFile struct {
	// Chat is the recipient as a chat id ("USER:<uuid>").
	Chat string
	// Caption is the message's content.
	Caption string
	// ReplyToMessageID is the message quoted, or empty.
	ReplyToMessageID string
	// LocalID and MessageID are the command's localId and the id the
	// server gave the message.
	LocalID, MessageID string
	// Media is the mediaList element: fileId, name, mediaType.
	Media aitu.InputMedia
	// Upload is the stored file it names; zero for a file registered
	// with AddFile.
	Upload Upload
}

// formSlack is how much more than the file an upload/ body may hold: the
// multipart framing.
const formSlack = 64 << 10

// mediaTypes are the mediaType values of an InputMedia.
var mediaTypes = map[string]bool{
	aitu.InputDocument: true, aitu.InputImage: true, aitu.InputVideo: true,
	aitu.InputAudio: true, aitu.InputMusic: true,
}

// WithMaxFileSize sets the largest file upload/ stores, in bytes:
// aitu.DefaultMaxFileSize by default (Aitu documents no limit). A bigger
// one is answered 413, as Spring Boot answers an upload over its cap.
func WithMaxFileSize(n int64) Option {
	return func(o *options) { o.MaxFileSize = n }
}

// Uploads returns the files stored by upload/ so far, in order, sent or
// not.
func (s *Server) Uploads() []Upload {
	return s.uploads.All()
}

// SentFiles returns the files of the SendMessage commands accepted so
// far, in order.
func (s *Server) SentFiles() []SentFile {
	uploads := s.uploads.All()
	byID := make(map[string]Upload, len(uploads))
	for _, u := range uploads {
		byID[u.FileID] = u
	}
	var out []SentFile
	for _, c := range s.sent.All() {
		for _, m := range c.MediaList {
			content := ""
			if c.Content != nil {
				content = *c.Content
			}
			out = append(out, SentFile{
				Chat: aitu.ChatID(c.Recipient.Type, c.Recipient.ID), Caption: content,
				ReplyToMessageID: c.ReplyToMessageID, LocalID: c.LocalID, MessageID: c.MessageID,
				Media: m, Upload: byID[m.FileID],
			})
		}
	}
	return out
}

// bodyLimit is the largest body the server reads of r: files and their
// form for upload/, fakeapi.MaxBody for every other call.
func (s *Server) bodyLimit(r *http.Request) int64 {
	upload := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, BasePath), "/") == "upload"
	return fakeapi.BodyLimit(upload, s.opts.FileCap(), formSlack)
}

// upload serves POST upload/: every "file" part of a multipart form is
// stored and answered in {"uploadedFiles":[{"fileId","fileName"}]}.
func (s *Server) upload(r *http.Request, body []byte, path string) answer {
	parts, err := fakeapi.ReadForm(r, body)
	switch {
	case errors.Is(err, fakeapi.ErrNotForm):
		return s.failure(http.StatusBadRequest, "Current request is not a multipart request", path)
	case err != nil:
		return s.failure(http.StatusBadRequest, "Failed to parse multipart servlet request", path)
	}
	var files []Upload
	for _, p := range parts {
		if p.Name != "file" {
			continue
		}
		if limit := s.opts.FileCap(); int64(len(p.Data)) > limit {
			return s.failure(http.StatusRequestEntityTooLarge, fmt.Sprintf("Maximum upload size exceeded: %d bytes", limit), path)
		}
		files = append(files, Upload{FileID: NewUUID(), Name: p.FileName, ContentType: p.ContentType, Data: p.Data})
	}
	if len(files) == 0 {
		return s.failure(http.StatusBadRequest, "Required request part 'file' is not present", path)
	}
	answered := make([]map[string]string, len(files))
	for i, f := range files {
		s.files.Add(f.FileID, fakeapi.File{Name: f.Name, MIME: f.ContentType, Data: f.Data})
		answered[i] = map[string]string{"fileId": f.FileID, "fileName": f.Name}
	}
	s.uploads.Add(files...)
	return jsonAnswer(http.StatusOK, map[string]any{"uploadedFiles": answered})
}

// checkMedia checks a SendMessage's mediaList: at most MaxMediaList
// files, each stored, with a known media type. It returns the message of
// the first violation, or "".
func (s *Server) checkMedia(list []aitu.InputMedia) string {
	if len(list) > aitu.MaxMediaList {
		return fmt.Sprintf("mediaList size should be <= %d", aitu.MaxMediaList)
	}
	for i, m := range list {
		_, stored := s.files.Get(m.FileID)
		switch {
		case m.FileID == "":
			return fmt.Sprintf("mediaList[%d].fileId must not be empty", i)
		case !stored:
			return fmt.Sprintf("mediaList[%d].fileId: file %s not found", i, m.FileID)
		case !mediaTypes[m.MediaType]:
			return fmt.Sprintf("mediaList[%d].mediaType %q is not valid", i, m.MediaType)
		}
	}
	return ""
}
