package cardbottest

import (
	"context"
	"fmt"
	"io"

	"github.com/cardbot/cardbot"
)

// Print returns a SendFunc for OnSend that writes each message sent to w,
// a line each, as an Example's output shows it: "to <chat>: <text>" for
// a text, "to <chat>: contact <name>" for a contact and "to <chat>: file
// <name>" for a file. It fails no send.
func Print(w io.Writer) SendFunc {
	return func(_ context.Context, chat string, out cardbot.Outgoing) error {
		switch o := out.(type) {
		case cardbot.Text:
			fmt.Fprintf(w, "to %s: %s\n", chat, o.Body)
		case cardbot.Contact:
			fmt.Fprintf(w, "to %s: contact %s\n", chat, o.Card.FormattedName)
		case cardbot.File:
			fmt.Fprintf(w, "to %s: file %s\n", chat, o.Name)
		}
		return nil
	}
}
