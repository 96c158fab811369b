package greenapitest

// IncomingEdit returns the webhook body of an editedMessage: the user
// changed the text of their message replaced (its idMessage) to text. The
// notification has an id of its own (in.IDMessage, a new one when empty),
// as GREEN-API gives each edit.
func (s *Server) IncomingEdit(in Incoming, replaced, text string) []byte {
	return s.incoming(in, map[string]any{
		"typeMessage":       "editedMessage",
		"editedMessageData": map[string]any{"textMessage": text, "stanzaId": replaced},
	})
}

// IncomingDeletion returns the webhook body of a deletedMessage: the user
// deleted their message deleted (its idMessage).
func (s *Server) IncomingDeletion(in Incoming, deleted string) []byte {
	return s.incoming(in, map[string]any{
		"typeMessage":        "deletedMessage",
		"deletedMessageData": map[string]any{"stanzaId": deleted},
	})
}
