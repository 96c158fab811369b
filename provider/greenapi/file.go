package greenapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apiclient"
)

// MaxFileSize is the largest file sendFileByUpload takes, in bytes:
// GREEN-API documents "100 MB" for WhatsApp and MAX, read here as 10⁸
// bytes, the smaller reading. Config.MaxFileSize may lower it.
const MaxFileSize = 100_000_000

// MaxFileSize returns the largest file Send uploads, in bytes
// (Config.MaxFileSize). It makes the client a cardbot.FileLimiter, so
// that Bot.Send refuses a bigger file before calling it.
func (c *Client) MaxFileSize() int64 { return c.cfg.MaxFileSize }

var _ cardbot.FileLimiter = (*Client)(nil)

// sendFile sends a cardbot.File with sendFileByUpload, a multipart form of
// chatId, file, fileName, caption and quotedMessageId, to
// Config.MediaURL. GREEN-API shows a file by its name's extension (an
// image, a video, a document), so the name must have one; the file part
// carries File.MediaType.
//
// Before any request it refuses, with an error that wraps ErrValidation
// and the cardbot sentinel (ErrEmptyFile, ErrFileName, ErrContentType,
// ErrFileTooLarge with a *cardbot.FileTooLargeError): a file without
// data, a name that is not a plain file name or has no extension, a bad
// content type, a file over MaxFileSize, a caption over MaxTextLength
// characters (on Telegram over TelegramMaxCaptionLength), and a chat id of
// the wrong form.
//
// Like every send, it is attempted at most once once its request may have
// reached GREEN-API (Config.RetrySends). GREEN-API allows 50 of these
// calls a second per instance (more answer 429) and sends files from its
// queue at most one every 5 seconds.
func (c *Client) sendFile(ctx context.Context, chatID string, f cardbot.File) (cardbot.SentMessage, error) {
	if err := cardbot.CheckFile(f, c.cfg.MaxFileSize); err != nil {
		return cardbot.SentMessage{}, refused("sendFileByUpload: "+err.Error(), err)
	}
	if ext := path.Ext(f.Name); len(ext) < 2 {
		return cardbot.SentMessage{}, refused(fmt.Sprintf("sendFileByUpload: file name %q has no extension, by which GREEN-API shows a file", f.Name), cardbot.ErrFileName)
	}
	if n, limit := utf8.RuneCountInString(f.Caption), c.captionLimit(); n > limit {
		return cardbot.SentMessage{}, invalid("sendFileByUpload: caption of %d characters, the limit is %d", n, limit)
	}
	chat, err := c.resolveChat(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	parts, ctype := uploadForm(chat, f)
	r := c.mediaRequest("sendFileByUpload")
	r.Raw, r.ContentType, r.Send = parts, ctype, true
	var resp sendResponse
	raw, err := c.callJSON(ctx, r, &resp)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	if resp.IDMessage == "" {
		return cardbot.SentMessage{}, c.api.Unexpected(r.Method, raw)
	}
	return cardbot.SentMessage{ID: resp.IDMessage, Raw: json.RawMessage(raw)}, nil
}

// mediaRequest is a POST of method on the media host (Config.MediaURL).
func (c *Client) mediaRequest(method string) *request {
	return &request{
		Method:     method,
		HTTPMethod: http.MethodPost,
		URL:        c.cfg.MediaURL + "/waInstance" + c.cfg.IDInstance + "/" + method + "/" + c.cfg.APITokenInstance,
	}
}

// uploadForm returns the multipart form of a sendFileByUpload as the
// bytes before the file's, the file's and the bytes after, and its
// Content-Type.
func uploadForm(chat string, f cardbot.File) ([][]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	// Writes to a bytes.Buffer do not fail.
	_ = w.WriteField("chatId", chat)
	_ = w.WriteField("fileName", f.Name)
	if f.Caption != "" {
		_ = w.WriteField("caption", f.Caption)
	}
	if f.ReplyTo != "" {
		_ = w.WriteField("quotedMessageId", f.ReplyTo)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", f.Name))
	h.Set("Content-Type", f.MediaType())
	_, _ = w.CreatePart(h)
	head := bytes.Clone(b.Bytes())
	b.Reset()
	_ = w.Close()
	return [][]byte{head, f.Data, b.Bytes()}, w.FormDataContentType()
}

// mediaURL returns the base of media calls: media (api when empty), with
// prefix ("/v3" on MAX) added unless it already ends with it.
func mediaURL(media, api, prefix string) (string, error) {
	if media == "" {
		media = api
	}
	if _, err := apiclient.CheckBaseURL("greenapi", "MediaURL", media); err != nil {
		return "", err
	}
	base := strings.TrimRight(media, "/")
	if prefix = strings.Trim(prefix, "/"); prefix != "" && !strings.HasSuffix(base, "/"+prefix) {
		base += "/" + prefix
	}
	return base, nil
}

// fileCap returns Config.MaxFileSize with its default, or an error when it
// is over what GREEN-API takes.
func fileCap(n int64) (int64, error) {
	switch {
	case n <= 0:
		return MaxFileSize, nil
	case n > MaxFileSize:
		return 0, fmt.Errorf("greenapi: Config.MaxFileSize %d is over GREEN-API's limit of %d bytes", n, MaxFileSize)
	}
	return n, nil
}
