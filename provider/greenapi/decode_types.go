package greenapi

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// Wire formats of GREEN-API notifications: the body of a webhook and the
// "body" of receiveNotification. Fields the decoder does not use are left
// out; Update.Raw keeps them.

// Webhook types (typeWebhook).
const (
	typeIncomingMessage    = "incomingMessageReceived"
	typeOutgoingMessage    = "outgoingMessageReceived"
	typeOutgoingAPIMessage = "outgoingAPIMessageReceived"
	typeMessageStatus      = "outgoingMessageStatus"
	typeStateInstance      = "stateInstanceChanged"
	typeStatusInstance     = "statusInstanceChanged"
	typeDeviceInfo         = "deviceInfo"
	typeIncomingCall       = "incomingCall"
	typeIncomingBlock      = "incomingBlock"
	typeQuotaExceeded      = "quotaExceeded"
)

type notification struct {
	TypeWebhook  string       `json:"typeWebhook"`
	InstanceData instanceData `json:"instanceData"`
	Timestamp    flexInt      `json:"timestamp"`
	IDMessage    string       `json:"idMessage"`
	SenderData   *senderData  `json:"senderData"`
	MessageData  *messageData `json:"messageData"`

	// outgoingMessageStatus, incomingBlock
	ChatID      string `json:"chatId"`
	Status      string `json:"status"` // also incomingCall
	Description string `json:"description"`

	StateInstance  string `json:"stateInstance"`  // stateInstanceChanged
	StatusInstance string `json:"statusInstance"` // statusInstanceChanged
	From           string `json:"from"`           // incomingCall
	ChatState      string `json:"chatState"`      // incomingBlock
}

type instanceData struct {
	IDInstance   flexString `json:"idInstance"`
	WID          string     `json:"wid"`
	TypeInstance string     `json:"typeInstance"`
}

type senderData struct {
	ChatID            string     `json:"chatId"`
	Sender            string     `json:"sender"`
	ChatName          string     `json:"chatName"`
	SenderName        string     `json:"senderName"`
	SenderContactName string     `json:"senderContactName"`
	SenderPhoneNumber flexString `json:"senderPhoneNumber"` // MAX, Telegram
	ChatType          string     `json:"chatType"`          // Telegram
}

type messageData struct {
	TypeMessage string `json:"typeMessage"`

	TextMessageData         *textData         `json:"textMessageData"`
	ExtendedTextMessageData *extendedTextData `json:"extendedTextMessageData"`
	ContactMessageData      *contactData      `json:"contactMessageData"`
	FileMessageData         *fileData         `json:"fileMessageData"`
	// Locations, edits, deletions, polls, stickers and button replies
	// (decode_kinds.go) are read leniently: a field of a shape the docs do
	// not show leaves its content unset (Raw keeps it) instead of making
	// the notification malformed.
	LocationMessageData        lenient[locationData]    `json:"locationMessageData"`
	EditedMessageData          lenient[editedData]      `json:"editedMessageData"`
	DeletedMessageData         lenient[stanzaData]      `json:"deletedMessageData"`
	PollMessageData            lenient[pollData]        `json:"pollMessageData"`
	StickerMessageData         lenient[fileData]        `json:"stickerMessageData"` // Telegram
	ButtonsResponseMessage     lenient[buttonsResponse] `json:"buttonsResponseMessage"`
	TemplateButtonReplyMessage lenient[selectedReply]   `json:"templateButtonReplyMessage"`
	TemplateButtonsReply       lenient[selectedReply]   `json:"templateButtonsReplyMessage"` // as the docs' table names it
	InteractiveButtonsResponse lenient[selectedReply]   `json:"interactiveButtonsResponse"`
	ListResponseMessage        lenient[listResponse]    `json:"listResponseMessage"`
	InteractiveButtons         lenient[interactiveData] `json:"interactiveButtons"`
	InteractiveButtonsReply    lenient[interactiveData] `json:"interactiveButtonsReply"`

	// contactsArrayMessage, as the SDKs and the examples nest it…
	MessageData *contactsData `json:"messageData"`
	// …and as the parameter table lists it.
	contactsData

	QuotedMessage *quotedData `json:"quotedMessage"`
}

type forwardable struct {
	IsForwarded bool `json:"isForwarded"`
}

type textData struct {
	TextMessage string `json:"textMessage"`
	forwardable
}

type extendedTextData struct {
	Text        string `json:"text"`
	StanzaID    string `json:"stanzaId"`    // the old quotedMessage type
	Participant string `json:"participant"` // the old quotedMessage type
	forwardable
}

type contactData struct {
	DisplayName string     `json:"displayName"`
	VCard       string     `json:"vcard"`
	ChatID      flexString `json:"chatId"`      // MAX, Telegram
	PhoneNumber flexString `json:"phoneNumber"` // MAX
	telegramContactFields
	forwardable
}

type contactsData struct {
	Contacts []contactData `json:"contacts"`
	forwardable
}

type fileData struct {
	DownloadURL string `json:"downloadUrl"`
	Caption     string `json:"caption"`
	FileName    string `json:"fileName"`
	MIMEType    string `json:"mimeType"`
	IsAnimated  bool   `json:"isAnimated"` // stickers
	forwardable
}

type quotedData struct {
	StanzaID    string `json:"stanzaId"`
	Participant string `json:"participant"`
	TypeMessage string `json:"typeMessage"`
	TextMessage string `json:"textMessage"`
	Caption     string `json:"caption"`

	// A quoted contact and a quoted contacts array, read leniently.
	Contact  lenient[contactData]   `json:"contact"`
	Contacts lenient[[]contactData] `json:"contacts"`
}

// receivedNotification is what receiveNotification answers when the queue
// is not empty.
type receivedNotification struct {
	ReceiptID flexInt         `json:"receiptId"`
	Body      json.RawMessage `json:"body"`
}

// flexString reads a JSON string or number as a string; null is "".
type flexString string

// UnmarshalJSONFrom implements json.UnmarshalerFrom for wirejson.
func (f *flexString) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := readScalar(dec)
	*f = flexString(s)
	return err
}

// flexInt reads a JSON integer or a string of one; null is 0. A float such
// as 1588091580.0 is cut to its integer.
type flexInt int64

// UnmarshalJSONFrom implements json.UnmarshalerFrom for wirejson.
func (f *flexInt) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*f = 0
	s, err := readScalar(dec)
	if err != nil || s == "" {
		return err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return err
		}
		n = int64(fl)
	}
	*f = flexInt(n)
	return nil
}

var errFlex = errors.New("want a string, a number or null")

// readScalar reads a string (unescaped), a number (as written) or null
// (""); anything else is errFlex.
func readScalar(dec *jsontext.Decoder) (string, error) {
	if k := dec.PeekKind(); k != '"' && k != '0' && k != 'n' {
		return "", errFlex
	}
	tok, err := dec.ReadToken()
	if err != nil || tok.Kind() == 'n' {
		return "", err
	}
	return tok.String(), nil
}
