package aitutest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
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
	return func(o *options) { o.maxFileSize = n }
}

// Uploads returns the files stored by upload/ so far, in order, sent or
// not.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// SentFiles returns the files of the SendMessage commands accepted so
// far, in order.
func (s *Server) SentFiles() []SentFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	byID := make(map[string]Upload, len(s.uploads))
	for _, u := range s.uploads {
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

func (s *Server) maxFile() int64 {
	if s.opts.maxFileSize > 0 {
		return s.opts.maxFileSize
	}
	return aitu.DefaultMaxFileSize
}

// bodyLimit is the largest body the server reads of r: files and their
// form for upload/, maxBody for every other call.
func (s *Server) bodyLimit(r *http.Request) int64 {
	if strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, BasePath), "/") == "upload" {
		return s.maxFile() + formSlack
	}
	return fakeapi.MaxBody
}

// isForm reports whether r's body is a multipart form, which Call.Body
// does not keep.
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/")
}

// upload serves POST upload/: every "file" part of a multipart form is
// stored and answered in {"uploadedFiles":[{"fileId","fileName"}]}.
func (s *Server) upload(r *http.Request, body []byte, path string) answer {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return s.failure(http.StatusBadRequest, "Current request is not a multipart request", path)
	}
	var files []Upload
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.failure(http.StatusBadRequest, "Failed to parse multipart servlet request", path)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return s.failure(http.StatusBadRequest, "Failed to parse multipart servlet request", path)
		}
		if p.FormName() != "file" {
			continue
		}
		if int64(len(data)) > s.maxFile() {
			return s.failure(http.StatusRequestEntityTooLarge, fmt.Sprintf("Maximum upload size exceeded: %d bytes", s.maxFile()), path)
		}
		files = append(files, Upload{FileID: NewUUID(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
	}
	if len(files) == 0 {
		return s.failure(http.StatusBadRequest, "Required request part 'file' is not present", path)
	}
	answered := make([]map[string]string, len(files))
	s.mu.Lock()
	for i, f := range files {
		s.files[f.FileID] = &file{name: f.Name, mime: f.ContentType, data: f.Data}
		answered[i] = map[string]string{"fileId": f.FileID, "fileName": f.Name}
	}
	s.uploads = append(s.uploads, files...)
	s.mu.Unlock()
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
		s.mu.Lock()
		_, stored := s.files[m.FileID]
		s.mu.Unlock()
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
