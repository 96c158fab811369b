package cardbot

import "github.com/cardbot/cardbot/contactcard"

// SendFile sends f to the update's chat as a document. A file without
// data, with a name that is not a plain file name, or over the provider's
// size cap fails before the provider is called (see File for the errors).
func (c *Context) SendFile(f File) error {
	_, err := c.SendOutgoing(f)
	return err
}

// SendVCard sends cards to the update's chat as one .vcf file named name
// (see VCardFile): to give a user back the contacts they sent, or a list
// they asked for, in a form every phone imports.
func (c *Context) SendVCard(name string, cards ...contactcard.Card) error {
	f, err := VCardFile(name, cards)
	if err != nil {
		return err
	}
	return c.SendFile(f)
}
