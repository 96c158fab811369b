package greenapitest

import "slices"

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

// IncomingReaction returns the webhook body of a reactionMessage: the user
// set emoji on the message reacted (its idMessage), sent by author ("" for
// the chat's own); an empty emoji takes a reaction back. WhatsApp, MAX and
// Telegram send it.
func (s *Server) IncomingReaction(in Incoming, reacted, author, emoji string) []byte {
	quoted := map[string]any{"stanzaId": reacted}
	if author != "" {
		quoted["participant"] = author
	}
	return s.incoming(in, map[string]any{
		"typeMessage":             "reactionMessage",
		"extendedTextMessageData": map[string]any{"text": emoji},
		"quotedMessage":           quoted,
	})
}

// IncomingLocation returns the webhook body of a locationMessage: a place
// at latitude and longitude, with its name and address when given.
// WhatsApp, MAX and Telegram send it.
func (s *Server) IncomingLocation(in Incoming, latitude, longitude float64, name, address string) []byte {
	return s.incoming(in, map[string]any{
		"typeMessage": "locationMessage",
		"locationMessageData": map[string]any{
			"nameLocation": name, "address": address, "jpegThumbnail": "",
			"latitude": latitude, "longitude": longitude, "forwardingScore": 0, "isForwarded": false,
		},
	})
}

// IncomingPoll returns the webhook body of a pollMessage: a poll with its
// question and options. WhatsApp and Telegram send it; MAX has no polls.
func (s *Server) IncomingPoll(in Incoming, question string, options []string, multiple bool) []byte {
	opts := make([]map[string]any, len(options))
	for i, o := range options {
		opts[i] = map[string]any{"optionName": o}
	}
	return s.incoming(in, map[string]any{
		"typeMessage":     "pollMessage",
		"pollMessageData": map[string]any{"name": question, "options": opts, "multipleAnswers": multiple},
	})
}

// IncomingPollVote returns the webhook body of a pollUpdateMessage: the
// sender of in voted in the poll (its idMessage) for the options chosen,
// and nobody for the others; chosen empty takes the vote back. The body
// lists every option with its voters, as GREEN-API reports a poll's
// standing.
func (s *Server) IncomingPollVote(in Incoming, poll, question string, options, chosen []string) []byte {
	in = s.fill(in)
	voter := in.Sender
	if voter == "" {
		voter = in.ChatID
	}
	votes := make([]map[string]any, len(options))
	for i, o := range options {
		voters := []string{}
		if slices.Contains(chosen, o) {
			voters = append(voters, voter)
		}
		votes[i] = map[string]any{"optionName": o, "optionVoters": voters}
	}
	return s.incoming(in, map[string]any{
		"typeMessage": "pollUpdateMessage",
		"pollMessageData": map[string]any{
			"stanzaId": poll, "name": question, "votes": votes, "multipleAnswers": len(chosen) > 1,
		},
	})
}

// IncomingSticker registers data as the file of a new sticker message
// (served at its downloadUrl and by downloadFile) and returns the webhook
// body of the stickerMessage: its file in fileMessageData on WhatsApp, in
// stickerMessageData on Telegram. WhatsApp and Telegram send it.
func (s *Server) IncomingSticker(in Incoming, fileName, mime string, animated bool, data []byte) []byte {
	in = s.fill(in)
	u := s.AddMessageFile(in.ChatID, in.IDMessage, fileName, mime, data)
	field := "fileMessageData"
	if s.opts.telegram {
		field = "stickerMessageData"
	}
	return s.incoming(in, map[string]any{
		"typeMessage": "stickerMessage",
		field: map[string]any{
			"downloadUrl": u, "caption": "", "fileName": fileName, "jpegThumbnail": "",
			"isAnimated": animated, "mimeType": mime, "forwardingScore": 0, "isForwarded": false,
		},
	})
}

// IncomingButtonReply returns the webhook body of an
// interactiveButtonsResponse: the user pressed the button id (labelled
// label, the index-th of its message) of the message offered (its
// idMessage), which sendInteractiveButtonsReply sent. WhatsApp only.
func (s *Server) IncomingButtonReply(in Incoming, offered string, index int, id, label string) []byte {
	return s.incoming(in, map[string]any{
		"typeMessage": "interactiveButtonsResponse",
		"interactiveButtonsResponse": map[string]any{
			"stanzaId": offered, "selectedIndex": index, "selectedId": id, "selectedDisplayText": label,
		},
	})
}
