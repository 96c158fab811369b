package cardbot

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
)

// VCardContentType is the MIME type of the .vcf files VCardFile makes
// (RFC 6350).
const VCardContentType = "text/vcard"

// DefaultVCardName is the name VCardFile gives a file when name is empty.
const DefaultVCardName = "contacts.vcf"

// VCardFile returns cards as one .vcf File, written by contactcard.Encode
// as vCard 3.0 with the content type text/vcard: to send a user's contacts
// back, or to export a list. name gets ".vcf" added unless it ends in
// .vcf or .vcard; an empty name is DefaultVCardName. It fails with
// ErrEmptyFile when there are no cards.
func VCardFile(name string, cards []contactcard.Card) (File, error) {
	if len(cards) == 0 {
		return File{}, fmt.Errorf("%w: no cards for %q", ErrEmptyFile, name)
	}
	name = strings.TrimSpace(name)
	switch strings.ToLower(path.Ext(name)) {
	case ".vcf", ".vcard":
	default:
		if name == "" {
			name = DefaultVCardName
		} else {
			name += ".vcf"
		}
	}
	var b bytes.Buffer
	_ = contactcard.Encode(&b, cards...) // its only error is the writer's, and a bytes.Buffer does not fail
	return File{Name: name, ContentType: VCardContentType, Data: b.Bytes()}, nil
}
