package aitutest

import "github.com/cardbot/cardbot/provider/aitu"

// The updates beyond Message that the neutral model types, in the shapes
// of Aitu's docs: each names its dialog, and the user as author (an edit)
// or sender (a button press, a form's answer).

// IncomingEdit returns the MessageEdited update of the message
// in.MessageID, whose content the user changed to text.
func (s *Server) IncomingEdit(in Incoming, text string) []byte {
	in, dialog := s.fill(in)
	return NewUpdate(aitu.TypeMessageEdited, map[string]any{
		"messageId": in.MessageID, "author": s.user(in), "dialog": dialog, "content": text,
	})
}

// IncomingQuickButton returns the QuickButtonSelected update of a press of
// the quick button whose metadata is metadata.
func (s *Server) IncomingQuickButton(in Incoming, metadata string) []byte {
	in, dialog := s.fill(in)
	return NewUpdate(aitu.TypeQuickButtonSelected, map[string]any{
		"dialog": dialog, "sender": s.user(in), "metadata": metadata,
	})
}

// IncomingInlineCommand returns the InlineCommandSelected update of a press
// of the inline button (metadata, its text content) of the message
// in.MessageID.
func (s *Server) IncomingInlineCommand(in Incoming, metadata, content string) []byte {
	in, dialog := s.fill(in)
	return NewUpdate(aitu.TypeInlineCommandSelected, map[string]any{
		"messageId": in.MessageID, "dialog": dialog, "sender": s.user(in),
		"metadata": metadata, "content": content,
	})
}

// IncomingFormSubmitted returns the FormSubmitted update of the form
// formID, with its action's metadata and additionalMetadata.
func (s *Server) IncomingFormSubmitted(in Incoming, formID, metadata, additional string) []byte {
	in, dialog := s.fill(in)
	return NewUpdate(aitu.TypeFormSubmitted, map[string]any{
		"formId": formID, "dialog": dialog, "sender": s.user(in),
		"metadata": metadata, "additionalMetadata": additional,
	})
}

// user is the Peer object of in's author.
func (*Server) user(in Incoming) map[string]any {
	return map[string]any{"type": aitu.PeerUser, "id": in.SenderID, "firstName": in.SenderName, "username": "sandbox_user"}
}
