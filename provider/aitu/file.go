package aitu

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"

	"github.com/cardbot/cardbot"
)

// InputMedia.MediaType values (Message.media's types are spelled
// otherwise: MediaDocument, …), and the most files SendMessage carries.
const (
	InputDocument = "DOCUMENT"
	InputImage    = "IMAGE"
	InputVideo    = "VIDEO"
	InputAudio    = "AUDIO"
	InputMusic    = "MUSIC"

	// MaxMediaList is the most files one SendMessage carries.
	MaxMediaList = 100
)

// DefaultMaxFileSize is the largest file Send uploads when
// Config.MaxFileSize is zero: 50 MiB. Aitu documents no limit for
// upload/; this one is cardbot's, so that a bot refuses a huge file at
// once rather than after a long upload.
const DefaultMaxFileSize = 50 << 20

// InputMedia is a file of SendMessage's mediaList: the fileId that
// upload/ answered, the name the chat shows, and how it is shown.
type InputMedia struct {
	FileID    string `json:"fileId"`
	Name      string `json:"name"`
	MediaType string `json:"mediaType"`
}

// UploadedFile is one file upload/ answers.
type UploadedFile struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
}

// uploadResponse is upload/'s answer.
type uploadResponse struct {
	UploadedFiles []UploadedFile `json:"uploadedFiles"`
}

// FileStep is a step of sending a file.
type FileStep string

// The steps of sending a file.
const (
	// StepUpload is POST upload/, which stores the file.
	StepUpload FileStep = "upload"
	// StepSendMessage is the SendMessage that shows the stored file in
	// the chat.
	StepSendMessage FileStep = "SendMessage"
)

// FileError is the failure of a step of sending a file, after the checks
// that need no request. Err is the step's *APIError: errors.Is matches its
// kind (ErrTransient, ErrValidation, …) through the FileError, and
// cardbot.IsRetryable reports whether a later attempt may succeed.
type FileError struct {
	// Step is the step that failed.
	Step FileStep
	// Name is the file's name.
	Name string
	// FileID is the id upload/ gave the file, when SendMessage failed:
	// the file is stored, the message may or may not have gone out.
	FileID string
	// Err is the step's error.
	Err error
}

// Error names the file and the step.
func (e *FileError) Error() string {
	return fmt.Sprintf("aitu: file %q: %s failed: %v", e.Name, e.Step, e.Err)
}

// Unwrap returns the step's error.
func (e *FileError) Unwrap() error { return e.Err }

// MaxFileSize returns the largest file Send uploads, in bytes
// (Config.MaxFileSize). It makes the client a cardbot.FileLimiter, so
// that Bot.Send refuses a bigger file before calling it.
func (c *Client) MaxFileSize() int64 { return c.cfg.MaxFileSize }

var _ cardbot.FileLimiter = (*Client)(nil)

// sendFile uploads f and sends it to the chat as a DOCUMENT, with its
// caption as the message's content.
func (c *Client) sendFile(ctx context.Context, chatID string, f cardbot.File) (cardbot.SentMessage, error) {
	if err := cardbot.CheckFile(f, c.cfg.MaxFileSize); err != nil {
		return cardbot.SentMessage{}, refused("upload: "+err.Error(), err)
	}
	if n := utf16Len(f.Caption); n > MaxTextLength {
		return cardbot.SentMessage{}, invalid("SendMessage: caption of %d UTF-16 code units, the limit is %d", n, MaxTextLength)
	}
	if f.ReplyTo != "" && !isUUID(f.ReplyTo) {
		return cardbot.SentMessage{}, invalid("SendMessage: reply-to id %q is not a UUID", f.ReplyTo)
	}
	peer, err := ParseChatID(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	id, err := c.upload(ctx, f)
	if err != nil {
		return cardbot.SentMessage{}, &FileError{Step: StepUpload, Name: f.Name, Err: err}
	}
	caption := f.Caption
	cmd := Command{
		Type:             CommandSendMessage,
		Content:          &caption,
		ReplyToMessageID: f.ReplyTo,
		MediaList:        []InputMedia{{FileID: id, Name: f.Name, MediaType: InputDocument}},
	}
	sent, err := c.postCommand(ctx, peer, cmd)
	if err != nil {
		return cardbot.SentMessage{}, &FileError{Step: StepSendMessage, Name: f.Name, FileID: id, Err: err}
	}
	return sent, nil
}

// upload stores f with POST upload/ and returns its file id. An upload
// sends nothing to a chat, so it is retried like a read.
func (c *Client) upload(ctx context.Context, f cardbot.File) (string, error) {
	parts, ctype := uploadForm(f)
	r := c.apiRequest(http.MethodPost, "upload", "upload/", nil, nil)
	r.Raw, r.ContentType = parts, ctype
	body, err := c.call(ctx, r)
	if err != nil {
		return "", err
	}
	var resp uploadResponse
	if err := c.api.Unmarshal(r, body, &resp); err != nil {
		return "", err
	}
	if len(resp.UploadedFiles) != 1 || resp.UploadedFiles[0].FileID == "" {
		return "", c.api.Unexpected(r.Method, body)
	}
	return resp.UploadedFiles[0].FileID, nil
}

// uploadForm returns the multipart form of upload/ (one field "file") as
// the bytes before the file's, the file's and the bytes after, and its
// Content-Type.
func uploadForm(f cardbot.File) ([][]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", f.Name))
	h.Set("Content-Type", f.MediaType())
	_, _ = w.CreatePart(h) // writes to a bytes.Buffer do not fail
	head := bytes.Clone(b.Bytes())
	b.Reset()
	_ = w.Close()
	return [][]byte{head, f.Data, b.Bytes()}, w.FormDataContentType()
}
