package aitu

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// Update types of the Bot API.
const (
	TypeMessage                   = "Message"
	TypeMessageEdited             = "MessageEdited"
	TypeMessageIDAssigned         = "MessageIdAssigned"
	TypeQuickButtonSelected       = "QuickButtonSelected"
	TypeInlineCommandSelected     = "InlineCommandSelected"
	TypeFormSubmitted             = "FormSubmitted"
	TypeFormMessageSent           = "FormMessageSent"
	TypeFormClosed                = "FormClosed"
	TypeInvitedToGroup            = "InvitedToGroup"
	TypeKickedFromGroup           = "KickedFromGroup"
	TypeInvitedToChannel          = "InvitedToChannel"
	TypeKickedFromChannel         = "KickedFromChannel"
	TypeNewChannelSubscriber      = "NewChannelSubscriber"
	TypeChannelAdminAdded         = "ChannelAdminAdded"
	TypeChannelAdminDeleted       = "ChannelAdminDeleted"
	TypeChannelPermissionsGranted = "ChannelPermissionsGranted"
	TypeChannelPermissionsRevoked = "ChannelPermissionsRevoked"
)

// Media types of Message.media.
const (
	MediaImage               = "Image"
	MediaVideo               = "Video"
	MediaAudio               = "Audio"
	MediaDocument            = "Document"
	MediaMusic               = "Music"
	MediaGif                 = "Gif"
	MediaRegisteredContact   = "RegisteredContact"
	MediaUnregisteredContact = "UnregisteredContact"
)

// StatusAssigned is cardbot.Status.Name of a MessageIdAssigned update.
const StatusAssigned = "assigned"

// UpdateData is one element of the Bot API's {"updates":[…]}, with the
// fields of every update type this package knows; each type fills its own
// (see Aitu's contract). Details reads it from a cardbot.Update, for what
// the neutral model does not carry: a quick button's or a form's
// additional data beyond Message.Button and Message.Form, channel
// permissions.
type UpdateData struct {
	Type     string `json:"type"`
	UpdateID string `json:"updateId"`

	// Message, MessageEdited, InlineCommandSelected, FormMessageSent.
	MessageID         string           `json:"messageId,omitempty"`
	SentAt            string           `json:"sentAt,omitempty"`
	Author            *Peer            `json:"author,omitempty"`
	Dialog            *Peer            `json:"dialog,omitempty"`
	Content           string           `json:"content,omitempty"`
	ForwardMetadata   *ForwardMetadata `json:"forwardMetadata,omitempty"`
	Media             []Media          `json:"media,omitempty"`
	ChannelPostAuthor *Peer            `json:"channelPostAuthor,omitempty"`
	ReplyToMessageID  string           `json:"replyToMessageId,omitempty"`

	// MessageIdAssigned: the command's localId and the server's message id.
	LocalID string `json:"localId,omitempty"`
	ID      string `json:"id,omitempty"`

	// QuickButtonSelected, InlineCommandSelected and form updates.
	Sender             *Peer  `json:"sender,omitempty"`
	Metadata           string `json:"metadata,omitempty"`
	FormID             string `json:"formId,omitempty"`
	AdditionalMetadata string `json:"additionalMetadata,omitempty"`
	Message            string `json:"message,omitempty"`

	// Group and channel membership.
	GroupID     string   `json:"groupId,omitempty"`
	ChannelID   string   `json:"channelId,omitempty"`
	Peer        *Peer    `json:"peer,omitempty"`
	Admin       *Peer    `json:"admin,omitempty"`
	Channel     *Peer    `json:"channel,omitempty"`
	Permissions []string `json:"permissions,omitempty"`
}

// ForwardMetadata says who wrote a forwarded message.
type ForwardMetadata struct {
	Sender *Peer `json:"sender,omitempty"`
}

// Media is one element of a Message's media: a file (Image, Video, Audio,
// Document, Music, Gif) or a contact (RegisteredContact,
// UnregisteredContact).
type Media struct {
	Type string `json:"type"`

	// Files.
	FileID   string `json:"fileId,omitempty"`
	Name     string `json:"name,omitempty"`
	MIMEType string `json:"mimeType,omitempty"`
	Size     int64  `json:"size,omitempty"`
	Width    int    `json:"width,omitempty"`
	Height   int    `json:"height,omitempty"`
	Duration int    `json:"duration,omitempty"`

	// UnregisteredContact.
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`

	// RegisteredContact.
	User *ContactUser `json:"user,omitempty"`
}

// ContactUser is the Aitu user of a RegisteredContact. Note userName, where
// a Peer has username.
type ContactUser struct {
	ID          string          `json:"id"`
	FirstName   string          `json:"firstName,omitempty"`
	LastName    string          `json:"lastName,omitempty"`
	PhoneNumber string          `json:"phoneNumber,omitempty"`
	Username    string          `json:"userName,omitempty"`
	Avatar      json.RawMessage `json:"avatar,omitempty"`
}

// Details decodes the Raw JSON of an update this package decoded into its
// UpdateData. It fails for an update without Raw, or another provider's.
func Details(u *cardbot.Update) (*UpdateData, error) {
	if u == nil || len(u.Raw) == 0 {
		return nil, errors.New("aitu: the update has no raw JSON")
	}
	var d UpdateData
	if err := wirejson.Unmarshal(u.Raw, &d); err != nil {
		return nil, malformed("%v", err)
	}
	if d.Type == "" && d.UpdateID == "" {
		// Every Aitu update has them; another provider's JSON has neither.
		return nil, malformed("not an Aitu update: no type and no updateId")
	}
	return &d, nil
}

// probe reads only what every update has, for elements whose other fields
// do not fit UpdateData.
type probe struct {
	Type      string `json:"type"`
	UpdateID  string `json:"updateId"`
	MessageID string `json:"messageId"`
}

// isNull reports whether raw is the JSON null.
func isNull(raw []byte) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}
