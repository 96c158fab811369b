package fakeapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// ErrNotForm is ReadForm's error for a body that is not
// multipart/form-data.
var ErrNotForm = errors.New("the body is not multipart/form-data")

// Part is one part of a multipart form: a field, or a file when it has a
// FileName.
type Part struct {
	// Name is the form field's name ("file").
	Name string
	// FileName is the file's name; "" for a field.
	FileName string
	// ContentType is the part's Content-Type, or "".
	ContentType string
	// Data is the part's content.
	Data []byte
}

// BodyLimit is the largest body a fake reads of a request: a file of up
// to maxFile bytes and slack for the form around it when upload is true
// (the request is a file upload), MaxBody otherwise.
func BodyLimit(upload bool, maxFile, slack int64) int64 {
	if upload {
		return maxFile + slack
	}
	return MaxBody
}

// IsForm reports whether r's body is multipart, which a fake does not
// keep as a call's JSON body.
func IsForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/")
}

// ReadForm reads body, the body of r, as multipart/form-data: its parts in
// order. It fails with ErrNotForm when r's Content-Type is not
// multipart/form-data with a boundary, and with multipart's error when the
// body cannot be read.
func ReadForm(r *http.Request, body []byte) ([]Part, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, ErrNotForm
	}
	var parts []Part
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		parts = append(parts, Part{Name: p.FormName(), FileName: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
	}
}
