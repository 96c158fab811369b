package greenapi

import (
	"errors"
	"fmt"

	"github.com/cardbot/cardbot"
)

// Values of a notification's instanceData.typeInstance, by messenger
// (green-api.com/en/telegram/docs/important-differences).
const (
	typeInstanceWhatsApp = "whatsapp"
	typeInstanceMAX      = "v3"
	typeInstanceTelegram = "telegram"
)

// TypeInstance returns the typeInstance GREEN-API writes in the
// notifications of an instance of the messenger: "whatsapp", "v3" (MAX)
// or "telegram"; "" for an unknown Messenger.
func (m Messenger) TypeInstance() string {
	switch m {
	case WhatsApp:
		return typeInstanceWhatsApp
	case MAX:
		return typeInstanceMAX
	case Telegram:
		return typeInstanceTelegram
	}
	return ""
}

// ErrWrongInstance matches a *WrongInstanceError: a notification of
// another instance, or of another kind of instance, than the client's.
// It also matches cardbot.ErrMisrouted, which the webhook receiver
// answers with 422.
var ErrWrongInstance = errors.New("greenapi: notification for another instance")

// WrongInstanceError is the decoder's error for a notification whose
// instanceData names another kind of instance (typeInstance) or another
// instance (idInstance) than the client's. Such a notification is never
// turned into updates, so that no bot answers it through the wrong API.
// The error matches ErrWrongInstance and cardbot.ErrMisrouted.
type WrongInstanceError struct {
	// Provider is the client's name (Config.Name).
	Provider string
	// WantType and GotType are the typeInstance the client expects
	// ("whatsapp", "v3", "telegram") and the one that came.
	WantType, GotType string
	// WantID and GotID are the client's idInstance and the one that came.
	WantID, GotID string
}

// Error says what was expected and what came.
func (e *WrongInstanceError) Error() string {
	return fmt.Sprintf("greenapi: provider %q: notification of %s instance %s refused: it serves %s instance %s",
		e.Provider, kindName(e.GotType), orNone(e.GotID), kindName(e.WantType), e.WantID)
}

// Is reports whether target is ErrWrongInstance or cardbot.ErrMisrouted.
func (e *WrongInstanceError) Is(target error) bool {
	return target == ErrWrongInstance || target == cardbot.ErrMisrouted
}

// kindName names a typeInstance for an error message.
func kindName(t string) string {
	switch t {
	case typeInstanceWhatsApp:
		return "WhatsApp"
	case typeInstanceMAX:
		return "MAX (v3)"
	case typeInstanceTelegram:
		return "Telegram"
	case "":
		return "an unnamed kind of"
	}
	return fmt.Sprintf("%q", t)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// checkInstance refuses a notification meant for another instance: one
// whose typeInstance is not the client's messenger's, or whose idInstance
// is not the client's. A field the notification leaves out is not
// checked (GREEN-API always sends both; tests and old captures may not).
func (c *Client) checkInstance(d *instanceData) error {
	got, id := d.TypeInstance, string(d.IDInstance)
	want := c.cfg.Messenger.TypeInstance()
	if (got == "" || got == want) && (id == "" || id == c.cfg.IDInstance) {
		return nil
	}
	return &WrongInstanceError{Provider: c.cfg.Name, WantType: want, GotType: got, WantID: c.cfg.IDInstance, GotID: id}
}
