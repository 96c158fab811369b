package cardbot

// The typed content of messages beyond text, contacts and documents, and
// of the updates about an earlier message.

// Reaction is an emoji set on a message (KindReaction).
type Reaction struct {
	// MessageID is the id of the message reacted to.
	MessageID string
	// SenderID is the id of that message's sender, when the provider says.
	SenderID string `json:",omitempty"`
	// Emoji is the reaction; "" when the user took a reaction back.
	Emoji string
}

// Location is a place shared in a chat.
type Location struct {
	// Latitude and Longitude are in degrees.
	Latitude, Longitude float64
	// Name is the place's name, when the sender gave one.
	Name string `json:",omitempty"`
	// Address is the place's address, when the sender gave one.
	Address string `json:",omitempty"`
}

// Poll is a poll sent to a chat.
type Poll struct {
	// Question is the poll's question.
	Question string
	// Options are the answers one can choose, in order.
	Options []string
	// Multiple is set when several answers may be chosen.
	Multiple bool `json:",omitempty"`
}

// PollVote is a vote in a poll (KindPollVote), with the poll's standing
// as the provider reports it.
type PollVote struct {
	// PollID is the id of the poll's message.
	PollID string
	// Question is the poll's question.
	Question string
	// Multiple is set when several answers may be chosen.
	Multiple bool `json:",omitempty"`
	// Chosen are the options the sender of the update has chosen now; empty
	// when the sender took the vote back.
	Chosen []string
	// Votes are every option with who chose it, in the poll's order.
	Votes []PollOption `json:",omitempty"`
}

// PollOption is one option of a poll and who chose it.
type PollOption struct {
	// Name is the option's text.
	Name string
	// Voters are the ids of the users who chose it.
	Voters []string `json:",omitempty"`
}

// Sticker is a sticker sent to a chat. Its file is downloaded like a
// document's, with Downloader.Download(ctx, sticker.Document).
type Sticker struct {
	Document
	// Animated is set for an animated sticker.
	Animated bool `json:",omitempty"`
}

// Button is a user's press of a button, or choice of a list row, that a
// message offered; the bot's own buttons say which id each one has.
type Button struct {
	// ID is the id the sender of the buttons gave the pressed one (Aitu:
	// its metadata).
	ID string
	// Label is the text on the button, when the provider sends it.
	Label string `json:",omitempty"`
	// MessageID is the id of the message the button belonged to, when the
	// provider says.
	MessageID string `json:",omitempty"`
}

// Form actions: what a user did with a form (Form.Action).
const (
	// FormSubmitted: the user submitted the form.
	FormSubmitted = "submitted"
	// FormClosed: the user closed the form without submitting it.
	FormClosed = "closed"
	// FormMessageSent: the form sent a message for the user (Form.Text),
	// such as the user's phone number on request.
	FormMessageSent = "message"
)

// Form is what a user did with a form a bot sent (Aitu's forms).
type Form struct {
	// ID is the form's id.
	ID string
	// Action is FormSubmitted, FormClosed or FormMessageSent.
	Action string
	// Metadata is the metadata of the form's action, when the provider
	// sends it.
	Metadata string `json:",omitempty"`
	// Data is the further data the provider sent with the action (Aitu's
	// additionalMetadata, often JSON), as sent.
	Data string `json:",omitempty"`
	// Text is the message a FormMessageSent carries.
	Text string `json:",omitempty"`
}
