package greenapitest

// ArrayContact is one contact of a contactsArrayMessage.
type ArrayContact struct {
	DisplayName string `json:"displayName"`
	VCard       string `json:"vcard"`
}

// IncomingContactsArray returns the webhook body of a contactsArrayMessage
// carrying contacts, as GREEN-API sends several contacts shared at once.
func (s *Server) IncomingContactsArray(in Incoming, contacts []ArrayContact) []byte {
	if contacts == nil {
		contacts = []ArrayContact{}
	}
	return s.incoming(in, map[string]any{
		"typeMessage": "contactsArrayMessage",
		"messageData": map[string]any{"contacts": contacts, "isForwarded": false, "forwardingScore": 0},
	})
}
