package greenapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// DecodeWebhook turns one GREEN-API notification (a webhook body, or the
// "body" of receiveNotification) into updates; it returns one.
//
// Messages (incomingMessageReceived, outgoingMessageReceived,
// outgoingAPIMessageReceived) are cardbot.KindMessage with Message.Type set
// to typeMessage: text and extended text fill Text; quoted replies (the
// quotedMessage field and the old quotedMessage type) fill ReplyTo;
// contactMessage and contactsArrayMessage (nested in
// messageData.messageData or not) fill Contacts with each vCard; image,
// video, audio and document messages fill Document (a documentMessage
// named *.vcf or of a vCard MIME type is a contact upload: see
// cardbot.Document.IsVCard) and Text with the caption. locationMessage,
// pollMessage, stickerMessage and the button replies
// (interactiveButtonsResponse, buttonsResponseMessage,
// templateButtonReplyMessage, listResponseMessage) fill Location, Poll,
// Sticker and Button; a message that offers buttons (interactiveButtons,
// interactiveButtonsReply) fills Text with its body. editedMessage,
// deletedMessage, reactionMessage and pollUpdateMessage are not new
// messages: they are cardbot.KindEdit (Text, Replaces), KindDeletion
// (Deletes), KindReaction (Reaction) and KindPollVote (PollVote); their
// dedup keys add the type, and a vote's its voter and the options chosen. A MAX contact's phoneNumber, international
// digits, gets its "+" so that it is read in its own country. Other message
// types keep only Type; Raw holds their content.
// Outgoing messages are messages too, with Message.FromMe set (so that
// only Match routes and OnAny see them); their Sender is the instance's own
// account.
//
// A Document's URL is the notification's downloadUrl and its ID is
// "<chatId>/<idMessage>", what Download needs for downloadFile when the URL
// is empty.
//
// outgoingMessageStatus is cardbot.KindStatus. Every other type
// (stateInstanceChanged, statusInstanceChanged, deviceInfo, incomingCall,
// incomingBlock, quotaExceeded, and types this decoder does not know) is
// cardbot.KindOther with its Raw JSON, the chat where it has one, and no
// error.
//
// The dedup key is instance|chat|idMessage|typeWebhook, plus |status for
// statuses and calls; events without idMessage use their timestamp and
// state instead, and have no key without a timestamp.
//
// A body that is not a JSON object with a typeWebhook, or a known type of
// the wrong shape, gives an error that wraps cardbot.ErrMalformedUpdate.
//
// A notification of another instance is refused: when its
// instanceData.typeInstance is not the client's messenger's ("whatsapp",
// "v3" for MAX, "telegram") or its idInstance is not the client's, the
// error is a *WrongInstanceError (ErrWrongInstance, cardbot.ErrMisrouted)
// and no update comes out, so that nothing answers it through the wrong
// API. A field the notification leaves out is not checked.
func (c *Client) DecodeWebhook(body []byte) ([]cardbot.Update, error) {
	u, err := c.decode(body)
	if err != nil {
		return nil, err
	}
	return []cardbot.Update{u}, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("greenapi: %w: %s", cardbot.ErrMalformedUpdate, fmt.Sprintf(format, args...))
}

func (c *Client) decode(body []byte) (cardbot.Update, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return cardbot.Update{}, malformed("want a JSON object")
	}
	var n notification
	if err := wirejson.Unmarshal(body, &n); err != nil {
		return c.decodeLoose(body, err)
	}
	if n.TypeWebhook == "" {
		return cardbot.Update{}, malformed("no typeWebhook")
	}
	if err := c.checkInstance(&n.InstanceData); err != nil {
		return cardbot.Update{}, err
	}
	c.noteNotification(&n)
	u := cardbot.Update{
		Provider: c.cfg.Name,
		Kind:     cardbot.KindOther,
		Raw:      json.RawMessage(bytes.Clone(body)),
	}
	if n.Timestamp > 0 {
		u.Time = time.Unix(int64(n.Timestamp), 0).UTC()
	}
	inst := string(n.InstanceData.IDInstance)
	if inst == "" {
		inst = c.cfg.IDInstance
	}
	switch n.TypeWebhook {
	case typeIncomingMessage, typeOutgoingMessage, typeOutgoingAPIMessage:
		if n.SenderData == nil || n.SenderData.ChatID == "" {
			return cardbot.Update{}, malformed("%s without senderData.chatId", n.TypeWebhook)
		}
		if n.MessageData == nil || n.MessageData.TypeMessage == "" {
			return cardbot.Update{}, malformed("%s without messageData.typeMessage", n.TypeWebhook)
		}
		if n.IDMessage == "" {
			return cardbot.Update{}, malformed("%s without idMessage", n.TypeWebhook)
		}
		sd := n.SenderData
		u.Kind = cardbot.KindMessage
		u.Chat = cardbot.Chat{ID: sd.ChatID, Kind: chatKind(sd.ChatID), Title: sd.ChatName}
		u.Sender = senderOf(sd)
		u.Message = messageOf(&n)
		u.Message.FromMe = n.TypeWebhook != typeIncomingMessage
		u.Key = key(inst, sd.ChatID, n.IDMessage, n.TypeWebhook)
		u.Kind, u.Key = kindOf(&n, u.Message, u.Key)
	case typeMessageStatus:
		if n.IDMessage == "" || n.Status == "" {
			return cardbot.Update{}, malformed("%s without idMessage or status", n.TypeWebhook)
		}
		u.Kind = cardbot.KindStatus
		u.Chat = cardbot.Chat{ID: n.ChatID, Kind: chatKind(n.ChatID)}
		u.Status = &cardbot.Status{MessageID: n.IDMessage, Name: n.Status, Description: n.Description}
		u.Key = key(inst, n.ChatID, n.IDMessage, n.TypeWebhook, n.Status)
	case typeIncomingCall:
		u.Chat = cardbot.Chat{ID: n.From, Kind: chatKind(n.From)}
		u.Sender = cardbot.User{ID: n.From, Phone: phoneOf(n.From)}
		if n.IDMessage != "" {
			u.Key = key(inst, n.From, n.IDMessage, n.TypeWebhook, n.Status)
		}
	case typeIncomingBlock:
		u.Chat = cardbot.Chat{ID: n.ChatID, Kind: chatKind(n.ChatID)}
		u.Key = eventKey(inst, n.ChatID, &n, n.ChatState)
	case typeStateInstance:
		u.Key = eventKey(inst, "", &n, n.StateInstance)
	case typeStatusInstance:
		u.Key = eventKey(inst, "", &n, n.StatusInstance)
	case typeDeviceInfo, typeQuotaExceeded:
		u.Key = eventKey(inst, "", &n, "")
	default:
		// A type this decoder does not know: kept raw, with what the
		// envelope says.
		chat := n.ChatID
		if n.SenderData != nil {
			chat = n.SenderData.ChatID
			u.Sender = senderOf(n.SenderData)
			u.Chat.Title = n.SenderData.ChatName
		}
		u.Chat.ID, u.Chat.Kind = chat, chatKind(chat)
		if n.IDMessage != "" {
			u.Key = key(inst, chat, n.IDMessage, n.TypeWebhook)
		}
	}
	telegramChatKind(&u, n.SenderData)
	return u, nil
}

// decodeLoose handles a body the typed decoder refused: a notification of
// a type it does not know is kept raw; anything else is malformed.
func (c *Client) decodeLoose(body []byte, cause error) (cardbot.Update, error) {
	var probe struct {
		TypeWebhook  json.RawMessage `json:"typeWebhook"`
		InstanceData json.RawMessage `json:"instanceData"`
	}
	var typ string
	if wirejson.Unmarshal(body, &probe) != nil || wirejson.Unmarshal(probe.TypeWebhook, &typ) != nil || typ == "" {
		return cardbot.Update{}, malformed("%v", cause)
	}
	var inst instanceData
	if len(probe.InstanceData) > 0 && wirejson.Unmarshal(probe.InstanceData, &inst) == nil {
		if err := c.checkInstance(&inst); err != nil {
			return cardbot.Update{}, err
		}
	}
	if knownType(typ) {
		return cardbot.Update{}, malformed("%s: %v", typ, cause)
	}
	return cardbot.Update{
		Provider: c.cfg.Name,
		Kind:     cardbot.KindOther,
		Raw:      json.RawMessage(bytes.Clone(body)),
	}, nil
}

func knownType(t string) bool {
	switch t {
	case typeIncomingMessage, typeOutgoingMessage, typeOutgoingAPIMessage, typeMessageStatus,
		typeStateInstance, typeStatusInstance, typeDeviceInfo, typeIncomingCall,
		typeIncomingBlock, typeQuotaExceeded:
		return true
	}
	return false
}

func key(parts ...string) string { return strings.Join(parts, "|") }

// eventKey is the key of an event without idMessage: its timestamp tells
// two events apart. Without a timestamp there is no key.
func eventKey(inst, chat string, n *notification, state string) string {
	if n.Timestamp == 0 {
		return ""
	}
	return key(inst, chat, strconv.FormatInt(int64(n.Timestamp), 10), n.TypeWebhook, state)
}

func senderOf(sd *senderData) cardbot.User {
	u := cardbot.User{ID: sd.Sender, Name: sd.SenderName, Phone: phoneOf(sd.Sender)}
	if u.Name == "" {
		u.Name = sd.SenderContactName
	}
	if u.Phone == "" {
		u.Phone = string(sd.SenderPhoneNumber)
	}
	return u
}

// messageOf reads the message of a message notification.
func messageOf(n *notification) *cardbot.Message {
	md := n.MessageData
	m := &cardbot.Message{ID: n.IDMessage, Type: md.TypeMessage}
	switch md.TypeMessage {
	case "textMessage", "extendedTextMessage", "quotedMessage":
		if t := md.TextMessageData; t != nil {
			m.Text, m.Forwarded = t.TextMessage, t.IsForwarded
		}
		if x := md.ExtendedTextMessageData; x != nil {
			if m.Text == "" {
				m.Text = x.Text
			}
			m.Forwarded = m.Forwarded || x.IsForwarded
			if x.StanzaID != "" {
				m.ReplyTo = &cardbot.Quote{ID: x.StanzaID, SenderID: x.Participant}
			}
		}
	case "contactMessage":
		if cd := md.ContactMessageData; cd != nil {
			m.Contacts = []cardbot.VCardRef{vcardRef(cd)}
			m.Forwarded = cd.IsForwarded
		}
	case "contactsArrayMessage":
		list := md.Contacts
		m.Forwarded = md.IsForwarded
		if nested := md.MessageData; nested != nil {
			if len(nested.Contacts) > 0 {
				list = nested.Contacts
			}
			m.Forwarded = m.Forwarded || nested.IsForwarded
		}
		for i := range list {
			m.Contacts = append(m.Contacts, vcardRef(&list[i]))
		}
	case "documentMessage", "imageMessage", "videoMessage", "audioMessage":
		if fd := md.FileMessageData; fd != nil {
			m.Text = fd.Caption
			m.Forwarded = fd.IsForwarded
			m.Document = &cardbot.Document{
				ID:       n.SenderData.ChatID + "/" + n.IDMessage,
				FileName: fd.FileName,
				MIMEType: fd.MIMEType,
				URL:      fd.DownloadURL,
			}
		}
	default:
		typedContent(n, m)
	}
	if q := md.QuotedMessage; q != nil && md.TypeMessage != typeReaction {
		m.ReplyTo = quoteOf(q, m.ReplyTo)
	}
	return m
}

// vcardRef is one shared contact; MAX sends the contact's chat id beside
// its vCard, Telegram its phone and names as fields.
func vcardRef(cd *contactData) cardbot.VCardRef {
	if cd.isTelegram() {
		return telegramContactRef(cd)
	}
	ref := cardbot.VCardRef{
		DisplayName: cd.DisplayName,
		VCard:       cd.VCard,
		Phone:       internationalDigits(string(cd.PhoneNumber)),
	}
	if cd.ChatID != "" {
		ref.Accounts = map[string]string{contactcard.MessengerMAX: string(cd.ChatID)}
	}
	return ref
}
