package greenapi

import (
	"slices"
	"strings"

	"github.com/cardbot/cardbot"
)

// Message types that are not new messages, or that carry typed content.
const (
	typeEdited        = "editedMessage"
	typeDeleted       = "deletedMessage"
	typeReaction      = "reactionMessage"
	typePoll          = "pollMessage"
	typePollUpdate    = "pollUpdateMessage"
	typeSticker       = "stickerMessage"
	typeLocation      = "locationMessage"
	typeButtonsReply  = "buttonsResponseMessage"
	typeTemplateReply = "templateButtonReplyMessage"
	// typeTemplatesReply is templateButtonReplyMessage as the docs' table
	// names it; its example uses the singular.
	typeTemplatesReply = "templateButtonsReplyMessage"
	typeInteractiveRes = "interactiveButtonsResponse"
	typeListReply      = "listResponseMessage"
	typeInteractive    = "interactiveButtons"
	typeInteractiveRep = "interactiveButtonsReply"
)

// kindOf returns the kind of a message notification and its dedup key.
// Edits, deletions, reactions and poll votes are their own kinds; their
// key names the type as well, and a vote's the sender and the options
// chosen, so that no vote is taken for a redelivery of another.
func kindOf(n *notification, m *cardbot.Message, k string) (cardbot.UpdateKind, string) {
	var kind cardbot.UpdateKind
	switch n.MessageData.TypeMessage {
	case typeEdited:
		kind = cardbot.KindEdit
	case typeDeleted:
		kind = cardbot.KindDeletion
	case typeReaction:
		kind = cardbot.KindReaction
	case typePollUpdate:
		kind = cardbot.KindPollVote
		k = key(k, n.MessageData.TypeMessage, n.SenderData.Sender, strings.Join(m.PollVote.Chosen, "\x1f"))
		return kind, k
	default:
		return cardbot.KindMessage, k
	}
	return kind, key(k, n.MessageData.TypeMessage)
}

// typedContent fills m with the content of the message types beyond text,
// contacts and files. Types it does not know keep only Type; Raw holds
// them.
func typedContent(n *notification, m *cardbot.Message) {
	md := n.MessageData
	switch md.TypeMessage {
	case typeEdited:
		if e := md.EditedMessageData.get(); e != nil {
			m.Text, m.Replaces = e.TextMessage, e.StanzaID
		}
	case typeDeleted:
		if d := md.DeletedMessageData.get(); d != nil {
			m.Deletes = d.StanzaID
		}
	case typeReaction:
		r := &cardbot.Reaction{}
		if x := md.ExtendedTextMessageData; x != nil {
			r.Emoji = x.Text
		}
		if q := md.QuotedMessage; q != nil {
			r.MessageID, r.SenderID = q.StanzaID, q.Participant
		}
		m.Reaction = r
	case typeLocation:
		if l := md.LocationMessageData.get(); l != nil {
			m.Forwarded = l.IsForwarded
			m.Location = &cardbot.Location{
				Latitude: float64(l.Latitude), Longitude: float64(l.Longitude),
				Name: l.NameLocation, Address: l.Address,
			}
		}
	case typePoll:
		if p := md.PollMessageData.get(); p != nil {
			poll := &cardbot.Poll{Question: p.Name, Multiple: p.MultipleAnswers, Options: []string{}}
			for _, o := range p.Options {
				poll.Options = append(poll.Options, o.OptionName)
			}
			m.Poll = poll
		}
	case typePollUpdate:
		m.PollVote = pollVoteOf(md.PollMessageData.get(), n.SenderData.Sender)
	case typeSticker:
		fd := md.FileMessageData
		if fd == nil {
			fd = md.StickerMessageData.get()
		}
		if fd != nil {
			m.Forwarded = fd.IsForwarded
			m.Sticker = &cardbot.Sticker{
				Document: cardbot.Document{
					ID:       n.SenderData.ChatID + "/" + n.IDMessage,
					FileName: fd.FileName,
					MIMEType: fd.MIMEType,
					URL:      fd.DownloadURL,
				},
				Animated: fd.IsAnimated,
			}
		}
	case typeButtonsReply:
		if b := md.ButtonsResponseMessage.get(); b != nil {
			m.Button = &cardbot.Button{ID: b.SelectedButtonID, Label: b.SelectedButtonText, MessageID: b.StanzaID}
		}
	case typeTemplateReply, typeTemplatesReply, typeInteractiveRes:
		r := md.InteractiveButtonsResponse.get()
		if r == nil {
			r = md.TemplateButtonReplyMessage.get()
		}
		if r == nil {
			r = md.TemplateButtonsReply.get()
		}
		if r != nil {
			m.Button = &cardbot.Button{ID: string(r.SelectedID), Label: r.SelectedDisplayText, MessageID: r.StanzaID}
		}
	case typeListReply:
		if l := md.ListResponseMessage.get(); l != nil {
			m.Button = &cardbot.Button{ID: string(l.SingleSelectReply), Label: l.Title, MessageID: l.StanzaID}
		}
	case typeInteractive, typeInteractiveRep:
		// A message that offers buttons: its text is what it says.
		d := md.InteractiveButtons.get()
		if d == nil {
			d = md.InteractiveButtonsReply.get()
		}
		if d != nil {
			m.Text = firstNonEmpty(d.Body, d.ContentText, d.Header, d.TitleText)
		}
	}
}

// pollVoteOf reads a pollUpdateMessage: the poll's standing, and the
// options voter chose.
func pollVoteOf(p *pollData, voter string) *cardbot.PollVote {
	if p == nil {
		return &cardbot.PollVote{Chosen: []string{}}
	}
	v := &cardbot.PollVote{PollID: p.StanzaID, Question: p.Name, Multiple: p.MultipleAnswers, Chosen: []string{}}
	for _, o := range p.Votes {
		v.Votes = append(v.Votes, cardbot.PollOption{Name: o.OptionName, Voters: o.OptionVoters})
		if voter != "" && slices.Contains(o.OptionVoters, voter) {
			v.Chosen = append(v.Chosen, o.OptionName)
		}
	}
	return v
}

// quoteOf is what a reply quotes: the quotedMessage field, over what the
// old quotedMessage type said in extendedTextMessageData (its id and
// sender).
func quoteOf(q *quotedData, old *cardbot.Quote) *cardbot.Quote {
	r := &cardbot.Quote{}
	if old != nil {
		*r = *old
	}
	r.ID = firstNonEmpty(q.StanzaID, r.ID)
	r.SenderID = firstNonEmpty(q.Participant, r.SenderID)
	r.Text = firstNonEmpty(q.TextMessage, q.Caption, r.Text)
	r.Type = q.TypeMessage
	if c := q.Contact.get(); c != nil {
		r.Contacts = append(r.Contacts, vcardRef(c))
	}
	if list := q.Contacts.get(); list != nil {
		for i := range *list {
			r.Contacts = append(r.Contacts, vcardRef(&(*list)[i]))
		}
	}
	return r
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// internationalDigits returns a phone number MAX gives as international
// digits without "+" ("375291234567") with its "+", so that it is read in
// its own country, never in the default region. Anything else stays as it
// is.
func internationalDigits(s string) string {
	t := strings.TrimSpace(s)
	if t == "" || !allDigits(t) {
		return s
	}
	return "+" + t
}
