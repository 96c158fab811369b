package aitu

import "github.com/cardbot/cardbot"

// typed returns the kind and message of the updates beyond Message that
// the neutral model types: an edit, a button press, a form's answer. Any
// other type stays cardbot.KindOther without a message.
func typed(d *UpdateData) (cardbot.UpdateKind, *cardbot.Message) {
	switch d.Type {
	case TypeMessageEdited:
		return cardbot.KindEdit, &cardbot.Message{ID: d.MessageID, Type: d.Type, Text: d.Content, Replaces: d.MessageID}
	case TypeQuickButtonSelected:
		return cardbot.KindMessage, &cardbot.Message{Type: d.Type, Button: &cardbot.Button{ID: d.Metadata}}
	case TypeInlineCommandSelected:
		return cardbot.KindMessage, &cardbot.Message{Type: d.Type,
			Button: &cardbot.Button{ID: d.Metadata, Label: d.Content, MessageID: d.MessageID}}
	case TypeFormSubmitted:
		return cardbot.KindMessage, &cardbot.Message{Type: d.Type, Form: &cardbot.Form{
			ID: d.FormID, Action: cardbot.FormSubmitted, Metadata: d.Metadata, Data: d.AdditionalMetadata}}
	case TypeFormClosed:
		return cardbot.KindMessage, &cardbot.Message{Type: d.Type, Form: &cardbot.Form{
			ID: d.FormID, Action: cardbot.FormClosed, Metadata: d.Metadata}}
	case TypeFormMessageSent:
		return cardbot.KindMessage, &cardbot.Message{ID: d.MessageID, Type: d.Type, Form: &cardbot.Form{
			ID: d.FormID, Action: cardbot.FormMessageSent, Text: d.Message, Data: d.AdditionalMetadata}}
	}
	return cardbot.KindOther, nil
}
