package cardbot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Route selects the updates a handler receives: an Event (OnText, …), a
// Command, a Pattern, or a Match predicate.
type Route interface {
	// String describes the route for messages ("/start", "OnText").
	String() string
	route()
}

// Event is a route by the kind of update or content.
type Event uint8

// Events. See Bot.Handle for which one wins when several match.
const (
	// OnAny matches every update, including system events and unknown
	// types.
	OnAny Event = iota + 1
	// OnMessage matches every message (KindMessage), whatever its
	// content, including message types the provider's decoder does not
	// know.
	OnMessage
	// OnText matches a message with text and neither contacts nor a
	// document.
	OnText
	// OnContact matches a message with contacts (Message.Contacts) or a
	// vCard document (Document.IsVCard).
	OnContact
	// OnDocument matches a message with a document. A vCard document goes
	// to OnContact when that is registered.
	OnDocument
	// OnStatus matches a status update (KindStatus).
	OnStatus

	// The events below were added after the first six; their values
	// follow.

	// OnEdited matches an edit of an earlier message (KindEdit); its
	// Context.Text is the new text, Message.Replaces the edited message.
	// No text route, command or pattern sees an edit.
	OnEdited
	// OnDeleted matches the deletion of an earlier message (KindDeletion).
	OnDeleted
	// OnReaction matches a reaction set on a message or taken back
	// (KindReaction).
	OnReaction
	// OnPollVote matches a vote in a poll (KindPollVote).
	OnPollVote
	// OnLocation matches a message with a location (Message.Location).
	OnLocation
	// OnPoll matches a message with a poll (Message.Poll).
	OnPoll
	// OnSticker matches a message with a sticker (Message.Sticker).
	OnSticker
	// OnButton matches a press of a button or a choice of a list row
	// (Message.Button).
	OnButton
	// OnForm matches an answer to a form (Message.Form).
	OnForm

	eventEnd
)

var eventNames = [eventEnd]string{
	"Event(0)", "OnAny", "OnMessage", "OnText", "OnContact", "OnDocument", "OnStatus",
	"OnEdited", "OnDeleted", "OnReaction", "OnPollVote", "OnLocation", "OnPoll", "OnSticker", "OnButton", "OnForm",
}

// String returns the event's name ("OnText").
func (e Event) String() string {
	if e < eventEnd {
		return eventNames[e]
	}
	return fmt.Sprintf("Event(%d)", uint8(e))
}

func (Event) route() {}

// Command returns the route of a command: Command("start") matches a
// message whose text is "/start" or starts with "/start " followed by
// arguments (Context.Payload, Context.Args). The name may be given with or
// without the slash and is matched ignoring case, since phones capitalize
// the first letter. It panics on an empty name or one with spaces.
func Command(name string) Route {
	n := strings.TrimPrefix(name, "/")
	if n == "" {
		panic("cardbot: Command with an empty name")
	}
	if strings.IndexFunc(n, unicode.IsSpace) >= 0 {
		panic(fmt.Sprintf("cardbot: Command name %q has a space", name))
	}
	return commandRoute{strings.ToLower(n)}
}

// Pattern returns the route of the messages whose text the regular
// expression expr matches; the submatches are in Context.Submatches. It
// panics, saying why, on an expression that does not compile.
func Pattern(expr string) Route {
	re, err := regexp.Compile(expr)
	if err != nil {
		panic(fmt.Sprintf("cardbot: Pattern %q does not compile: %v", expr, err))
	}
	return patternRoute{re}
}

// Match returns the route of the updates for which fn reports true. fn
// sees every update, of any kind; it must not keep or change it. It panics
// on a nil fn.
func Match(fn func(*Update) bool) Route {
	if fn == nil {
		panic("cardbot: Match with a nil predicate")
	}
	return predicateRoute{fn}
}

type commandRoute struct{ name string }

func (r commandRoute) String() string { return "/" + r.name }
func (commandRoute) route()           {}

type patternRoute struct{ re *regexp.Regexp }

func (r patternRoute) String() string { return "Pattern(" + r.re.String() + ")" }
func (patternRoute) route()           {}

func (r patternRoute) match(c *Context) bool {
	if c.update.Kind != KindMessage {
		return false
	}
	m := r.re.FindStringSubmatch(c.Text())
	if m == nil {
		return false
	}
	c.match = m
	return true
}

type predicateRoute struct{ fn func(*Update) bool }

func (predicateRoute) String() string { return "Match(func)" }
func (predicateRoute) route()         {}

func (r predicateRoute) match(c *Context) bool { return r.fn(c.update) }

// matcher is a pattern or predicate route.
type matcher interface {
	Route
	match(c *Context) bool
}
