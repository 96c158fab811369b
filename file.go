package cardbot

import (
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// File is an outgoing file, sent as a document: a .vcf of contacts (see
// VCardFile), a PDF, a CSV export. (Document is the other way: a file a
// user sent.) Providers upload Data and send it to the chat under Name.
//
// Before any request Bot.Send and Context.SendFile refuse a file without
// data (ErrEmptyFile), with a name that is empty or not a plain file name
// (ErrFileName), with a ContentType that is not a MIME type
// (ErrContentType), or over the provider's size cap (a
// *FileTooLargeError, which matches ErrFileTooLarge; see FileLimiter).
// Providers check their own rules too (an extension in the name, the
// caption's length) and say which in their errors.
type File struct {
	// Name is the file's name as the chat shows it ("contacts.vcf"): no
	// directories, at most MaxFileNameLength bytes of UTF-8. Some
	// providers (GREEN-API) pick how to show a file by its extension.
	Name string
	// ContentType is the MIME type ("text/vcard", "application/pdf");
	// when empty, the type of the name's extension, else
	// application/octet-stream (see MediaType).
	ContentType string
	// Data is the file's content. It is not copied; do not change it
	// until the send returned.
	Data []byte
	// Caption is a text shown with the file, or empty. Providers cap its
	// length as they cap a text's.
	Caption string
	// ReplyTo is the id of a message to quote, or empty.
	ReplyTo string
}

func (File) outgoing() {}

// MaxFileNameLength is the longest File.Name, in bytes.
const MaxFileNameLength = 255

// Errors of sending a File. They are returned wrapped; test them with
// errors.Is.
var (
	// ErrEmptyFile means a File has no data, or VCardFile got no cards.
	ErrEmptyFile = errors.New("cardbot: file is empty")

	// ErrFileName means a File's name is empty, longer than
	// MaxFileNameLength, not UTF-8, has control characters or a path
	// separator, is "." or "..", or lacks what a provider needs (an
	// extension).
	ErrFileName = errors.New("cardbot: file name not usable")

	// ErrContentType means a File's ContentType is not a MIME type.
	ErrContentType = errors.New("cardbot: file content type not usable")

	// ErrFileTooLarge means a File is over the provider's size cap. The
	// error that carries it is a *FileTooLargeError.
	ErrFileTooLarge = errors.New("cardbot: file over the provider's size cap")
)

// FileTooLargeError is the error of a File over a provider's size cap. It
// matches ErrFileTooLarge.
type FileTooLargeError struct {
	// Name is the file's name.
	Name string
	// Size is the file's size in bytes.
	Size int64
	// Limit is the provider's cap in bytes.
	Limit int64
}

// Error says the file, its size and the cap.
func (e *FileTooLargeError) Error() string {
	return fmt.Sprintf("cardbot: file %q of %d bytes is over the cap of %d bytes", e.Name, e.Size, e.Limit)
}

// Is reports whether target is ErrFileTooLarge.
func (e *FileTooLargeError) Is(target error) bool { return target == ErrFileTooLarge }

// FileLimiter is implemented by providers that cap the size of the files
// they send. Bot.Send and Context.SendFile refuse a bigger File before
// the provider is called.
type FileLimiter interface {
	// MaxFileSize is the largest File.Data the provider sends, in bytes;
	// 0 or less means no cap.
	MaxFileSize() int64
}

// MediaType returns the MIME type to send the file with: ContentType when
// set, else the type of the name's extension (mime.TypeByExtension, which
// also reads the system's tables), else application/octet-stream.
func (f File) MediaType() string {
	if ct := strings.TrimSpace(f.ContentType); ct != "" {
		return ct
	}
	if ct := mime.TypeByExtension(path.Ext(f.Name)); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// CheckFile checks what every provider needs of f: data, a plain file
// name, a MIME type, and a size within limit bytes when limit is
// positive. Providers call it first; Bot.Send calls it with the
// provider's FileLimiter cap.
func CheckFile(f File, limit int64) error {
	if err := checkFileName(f.Name); err != nil {
		return err
	}
	if len(f.Data) == 0 {
		return fmt.Errorf("%w: %q has no data", ErrEmptyFile, f.Name)
	}
	if ct := strings.TrimSpace(f.ContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return fmt.Errorf("%w: %q: %w", ErrContentType, ct, err)
		}
		if typ, sub, _ := strings.Cut(mt, "/"); typ == "" || sub == "" {
			return fmt.Errorf("%w: %q is not type/subtype", ErrContentType, ct)
		}
	}
	if size := int64(len(f.Data)); limit > 0 && size > limit {
		return &FileTooLargeError{Name: f.Name, Size: size, Limit: limit}
	}
	return nil
}

func checkFileName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%w: the name is empty", ErrFileName)
	case len(name) > MaxFileNameLength:
		return fmt.Errorf("%w: a name of %d bytes, the limit is %d", ErrFileName, len(name), MaxFileNameLength)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: %q is not UTF-8", ErrFileName, name)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q", ErrFileName, name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("%w: %q has a path separator", ErrFileName, name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("%w: %q has a control character", ErrFileName, name)
	}
	return nil
}

// fileLimit is p's cap on files, or 0.
func fileLimit(p Provider) int64 {
	if l, ok := p.(FileLimiter); ok {
		return l.MaxFileSize()
	}
	return 0
}
