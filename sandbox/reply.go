package sandbox

// Reply is one message the bot sent, the same for every messenger: the
// answer of the curl routes and the data of a "reply" event.
type Reply struct {
	// Chat is the chat it went to, as the provider writes it.
	Chat string `json:"chat"`
	// Text is a text message's text.
	Text string `json:"text,omitempty"`
	// Contact is a shared contact.
	Contact *ReplyContact `json:"contact,omitempty"`
}

// ReplyContact is a contact the bot sent: by number, or (MAX, and Aitu
// users) by the contact's account on the messenger.
type ReplyContact struct {
	// Phone is the number as international digits, when sent by number.
	Phone string `json:"phone,omitempty"`
	// Account is the contact's MAX chat id or Aitu user id, when sent by
	// account.
	Account string `json:"account,omitempty"`
	// FirstName, LastName and Company are the names sent with it.
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Company   string `json:"company,omitempty"`
}
