package greenapi

import (
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/cardbot/cardbot/internal/wirejson"
)

// Wire formats of the message types beyond text, contacts and files.

type locationData struct {
	NameLocation string    `json:"nameLocation"`
	Address      string    `json:"address"`
	Latitude     flexFloat `json:"latitude"`
	Longitude    flexFloat `json:"longitude"`
	forwardable
}

// editedData is editedMessageData: the new text and the id of the message
// edited.
type editedData struct {
	TextMessage string `json:"textMessage"`
	stanzaData
}

// stanzaData names an earlier message: deletedMessageData.
type stanzaData struct {
	StanzaID string `json:"stanzaId"`
}

// pollData is pollMessageData, of a pollMessage (options) and of a
// pollUpdateMessage (stanzaId and votes).
type pollData struct {
	StanzaID        string       `json:"stanzaId"`
	Name            string       `json:"name"`
	Options         []pollOption `json:"options"`
	Votes           []pollVotes  `json:"votes"`
	MultipleAnswers bool         `json:"multipleAnswers"`
}

type pollOption struct {
	OptionName string `json:"optionName"`
}

type pollVotes struct {
	OptionName   string   `json:"optionName"`
	OptionVoters []string `json:"optionVoters"`
}

// buttonsResponse is the legacy buttonsResponseMessage.
type buttonsResponse struct {
	StanzaID           string `json:"stanzaId"`
	SelectedButtonID   string `json:"selectedButtonId"`
	SelectedButtonText string `json:"selectedButtonText"`
}

// selectedReply is a press of a template button or an interactive reply
// button (templateButtonReplyMessage, interactiveButtonsResponse).
type selectedReply struct {
	StanzaID            string     `json:"stanzaId"`
	SelectedIndex       flexString `json:"selectedIndex"`
	SelectedID          flexString `json:"selectedId"`
	SelectedDisplayText string     `json:"selectedDisplayText"`
}

// listResponse is a choice of a list row. The docs give singleSelectReply
// as the row id; WhatsApp's own form is {"selectedRowId": …}: both are
// read.
type listResponse struct {
	StanzaID          string      `json:"stanzaId"`
	Title             string      `json:"title"`
	Description       string      `json:"description"`
	SingleSelectReply selectedRow `json:"singleSelectReply"`
}

// selectedRow reads a row id given as a string, a number or an object
// with selectedRowId.
type selectedRow string

// UnmarshalJSONFrom implements json.UnmarshalerFrom for wirejson.
func (r *selectedRow) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '{' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		var obj struct {
			SelectedRowID flexString `json:"selectedRowId"`
		}
		if err := wirejson.Unmarshal(v, &obj); err != nil {
			return err
		}
		*r = selectedRow(obj.SelectedRowID)
		return nil
	}
	s, err := readScalar(dec)
	*r = selectedRow(s)
	return err
}

// interactiveData is a message that offers buttons (interactiveButtons,
// interactiveButtonsReply): its text, under whichever names it comes.
type interactiveData struct {
	Header      string `json:"header"`
	Body        string `json:"body"`
	TitleText   string `json:"titleText"`
	ContentText string `json:"contentText"`
}

// lenient reads a JSON value as a T when it can, and leaves it unset
// (get returns nil) when the value is of another shape; a value that is
// not JSON at all still fails the notification.
type lenient[T any] struct{ v *T }

// UnmarshalJSONFrom implements json.UnmarshalerFrom for wirejson.
func (l *lenient[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	l.v = nil
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	var v T
	if wirejson.Unmarshal(raw, &v) == nil {
		l.v = &v
	}
	return nil
}

// get returns the value read, or nil.
func (l lenient[T]) get() *T { return l.v }

// flexFloat reads a JSON number or a string of one; null is 0.
type flexFloat float64

// UnmarshalJSONFrom implements json.UnmarshalerFrom for wirejson.
func (f *flexFloat) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*f = 0
	s, err := readScalar(dec)
	if err != nil || s == "" {
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = flexFloat(v)
	return nil
}
