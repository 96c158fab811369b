package cardbot

import (
	"fmt"
	"strings"
	"unicode"
)

// HandlerFunc handles one update. A returned error reaches the dispatcher:
// see Bot.Dispatch for what becomes of it.
type HandlerFunc func(c *Context) error

// MiddlewareFunc wraps a handler: it may run code before and after it, skip
// it, or change its Context. See package middleware for ready ones.
type MiddlewareFunc func(next HandlerFunc) HandlerFunc

// Handle registers h for the updates route selects, with middlewares mw
// around it (the first is outermost). Middlewares of Use run around those
// of Group, which run around mw.
//
// Each update runs at most one handler, of the most specific route that
// matches it:
//
//  1. a Command;
//  2. a Pattern or Match route, the first registered that matches;
//  3. the content: OnContact (contacts or a vCard document), then
//     OnDocument, OnLocation, OnSticker, OnPoll, OnButton, OnForm, OnText;
//     or, for the updates that are not new messages, the route of their
//     kind: OnStatus, OnEdited, OnDeleted, OnReaction, OnPollVote;
//  4. OnMessage, for any new message (KindMessage);
//  5. OnAny.
//
// Commands and Pattern routes see only new messages: an edit
// whose new text is "/start" runs OnEdited, not Command("start").
//
// With conversation state (WithState), routes may be bound to a state
// with InState or a Scene. At each rank above, the routes of the
// conversation's current state come first, then the routes without a
// state, before the next rank: a Command without a state ("/cancel")
// still beats InState("ask_list", OnText), while InState("ask_list",
// OnText) beats OnText. InState("", r) routes match only while the
// conversation has no state.
//
// A message the account itself sent (Message.FromMe: the bot's own
// replies, which GREEN-API reports too) goes only to a Match route or to
// OnAny, so that a bot does not answer itself.
//
// An update that matches nothing runs no handler (but the middlewares of
// Use still run; see Bot.Use).
//
// Handle panics on a nil route, a nil handler, a nil middleware, and a
// command or event registered twice in one state, or twice without one (a
// second one could never run).
// Handlers may be registered while the bot runs.
func (b *Bot) Handle(route Route, h HandlerFunc, mw ...MiddlewareFunc) {
	b.handle(nil, route, h, mw)
}

// Use adds middlewares that run around every update, whether or not a
// handler matches it, in the order given and after those added before. They
// also apply to handlers registered before Use was called. Chains are
// composed once per change, not per update. Use panics on a nil middleware.
func (b *Bot) Use(mw ...MiddlewareFunc) {
	checkMiddleware("Use", mw)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reg.global = append(b.reg.global, mw...)
	b.table.Store(nil)
}

// Group returns a group of handlers that share the middlewares mw, which run
// inside those of Bot.Use. It panics on a nil middleware.
func (b *Bot) Group(mw ...MiddlewareFunc) *Group {
	checkMiddleware("Group", mw)
	return &Group{bot: b, mw: append([]MiddlewareFunc(nil), mw...)}
}

// Group is a set of handlers with middlewares of their own. Its routes
// compete with all others of the bot as Bot.Handle describes; a group does
// not change which handler wins.
type Group struct {
	bot     *Bot
	parent  *Group
	mw      []MiddlewareFunc // guarded by bot.mu
	state   string           // the state of its routes, when inState
	inState bool
}

// Handle registers h like Bot.Handle, with the group's middlewares around
// mw.
func (g *Group) Handle(route Route, h HandlerFunc, mw ...MiddlewareFunc) {
	if g.inState && route != nil {
		route = InState(g.state, route)
	}
	g.bot.handle(g, route, h, mw)
}

// Use adds middlewares to the group; they also apply to the handlers the
// group registered before.
func (g *Group) Use(mw ...MiddlewareFunc) {
	checkMiddleware("Group.Use", mw)
	g.bot.mu.Lock()
	defer g.bot.mu.Unlock()
	g.mw = append(g.mw, mw...)
	g.bot.table.Store(nil)
}

// Group returns a subgroup whose middlewares mw run inside g's. The
// subgroup of a Scene registers its routes in the scene's state too.
func (g *Group) Group(mw ...MiddlewareFunc) *Group {
	checkMiddleware("Group", mw)
	return &Group{bot: g.bot, parent: g, mw: append([]MiddlewareFunc(nil), mw...), state: g.state, inState: g.inState}
}

func checkMiddleware(where string, mw []MiddlewareFunc) {
	for i, m := range mw {
		if m == nil {
			panic(fmt.Sprintf("cardbot: %s with a nil middleware (argument %d)", where, i))
		}
	}
}

// entry is one registered handler.
type entry struct {
	route Route
	h     HandlerFunc
	mw    []MiddlewareFunc
	group *Group
}

// routeSet is the routes of one state, or of none.
type routeSet struct {
	commands map[string]*entry
	matchers []*entry
	events   [eventEnd]*entry
}

// registry is what Handle, Use, Group.Use and Scene record; compile turns
// it into a table.
type registry struct {
	base   routeSet
	states map[string]*routeSet // InState routes, by state
	global []MiddlewareFunc
	scenes map[string]SceneHooks
}

func (b *Bot) handle(g *Group, route Route, h HandlerFunc, mw []MiddlewareFunc) {
	if route == nil {
		panic("cardbot: Handle with a nil route")
	}
	if h == nil {
		panic(fmt.Sprintf("cardbot: Handle %v with a nil handler", route))
	}
	checkMiddleware("Handle "+route.String(), mw)
	e := &entry{route: route, h: h, mw: append([]MiddlewareFunc(nil), mw...), group: g}

	b.mu.Lock()
	defer b.mu.Unlock()
	set := &b.reg.base
	if sr, ok := route.(stateRoute); ok {
		set = b.reg.states[sr.name]
		if set == nil {
			set = &routeSet{commands: make(map[string]*entry)}
			b.reg.states[sr.name] = set
		}
		route = sr.r
	}
	set.add(route, e)
	b.table.Store(nil)
}

// add records e under route, the route without its state; e.route names
// it, state and all, in panics.
func (set *routeSet) add(route Route, e *entry) {
	switch r := route.(type) {
	case Event:
		if r == 0 || r >= eventEnd {
			panic(fmt.Sprintf("cardbot: Handle with an unknown event %v", r))
		}
		if set.events[r] != nil {
			panic(fmt.Sprintf("cardbot: Handle %v registered twice", e.route))
		}
		set.events[r] = e
	case commandRoute: // Command refused an empty name
		if _, dup := set.commands[r.name]; dup {
			panic(fmt.Sprintf("cardbot: Handle command %v registered twice", e.route))
		}
		set.commands[r.name] = e
	case patternRoute, predicateRoute: // Regexp, Pattern and Match refused a nil one
		set.matchers = append(set.matchers, e)
	default:
		panic(fmt.Sprintf("cardbot: Handle with an unknown route type %T", route))
	}
}

// table is the compiled routing table: every handler with its full chain.
type table struct {
	base   compiledSet
	states map[string]*compiledSet // nil when no route has a state
	none   HandlerFunc             // the global middlewares around a no-op
	scenes map[string]SceneHooks
}

// compiledSet is a routeSet with composed chains.
type compiledSet struct {
	commands map[string]HandlerFunc
	matchers []compiledMatcher
	events   [eventEnd]HandlerFunc
}

type compiledMatcher struct {
	m matcher
	h HandlerFunc
}

// routes returns the current table, compiling it after a registration.
func (b *Bot) routes() *table {
	if t := b.table.Load(); t != nil {
		return t
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if t := b.table.Load(); t != nil {
		return t
	}
	t := b.compile()
	// Stored under the read lock: a registration, which takes the write
	// lock, cannot slip in between and be overwritten by a stale table.
	b.table.Store(t)
	return t
}

func (b *Bot) compile() *table {
	t := &table{base: b.compileSet(&b.reg.base), scenes: b.reg.scenes}
	if len(b.reg.states) > 0 {
		t.states = make(map[string]*compiledSet, len(b.reg.states))
		for name, set := range b.reg.states {
			cs := b.compileSet(set)
			t.states[name] = &cs
		}
	}
	t.none = compose(noop, b.reg.global)
	return t
}

func (b *Bot) compileSet(set *routeSet) compiledSet {
	cs := compiledSet{commands: make(map[string]HandlerFunc, len(set.commands))}
	for name, e := range set.commands {
		cs.commands[name] = b.chain(e)
	}
	for _, e := range set.matchers {
		r := e.route
		if sr, ok := r.(stateRoute); ok {
			r = sr.r
		}
		cs.matchers = append(cs.matchers, compiledMatcher{r.(matcher), b.chain(e)})
	}
	for ev, e := range set.events {
		if e != nil {
			cs.events[ev] = b.chain(e)
		}
	}
	return cs
}

func noop(*Context) error { return nil }

// chain composes e's handler with its own, its groups' and the global
// middlewares.
func (b *Bot) chain(e *entry) HandlerFunc {
	h := compose(e.h, e.mw)
	for g := e.group; g != nil; g = g.parent {
		h = compose(h, g.mw)
	}
	h = compose(h, b.reg.global)
	name := e.route.String()
	return func(c *Context) error {
		c.route = name
		return h(c)
	}
}

// compose wraps h in mw, mw[0] outermost.
func compose(h HandlerFunc, mw []MiddlewareFunc) HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
		if h == nil {
			panic("cardbot: a middleware returned a nil handler")
		}
	}
	return h
}

// find returns the chain for c's update, and records the command payload
// or the pattern submatches in c. At each rank, the routes of the
// conversation's state come first, then those without a state.
func (t *table) find(c *Context) HandlerFunc {
	sets := [2]*compiledSet{nil, &t.base}
	if c.conv != nil && t.states != nil {
		sets[0] = t.states[c.conv.state]
	}
	u := c.update
	if outgoing(u) {
		// Only predicates and OnAny see the account's own messages: a
		// command, a pattern or a content handler would answer itself.
		for _, s := range sets {
			if s == nil {
				continue
			}
			for _, m := range s.matchers {
				if _, ok := m.m.(predicateRoute); ok && m.m.match(c) {
					return m.h
				}
			}
		}
		return t.event(sets, OnAny)
	}
	if u.Kind == KindMessage {
		if h := t.command(sets, c); h != nil {
			return h
		}
	}
	for _, s := range sets {
		if s == nil {
			continue
		}
		for _, m := range s.matchers {
			if m.m.match(c) {
				return m.h
			}
		}
	}
	switch u.Kind {
	case KindMessage:
		for _, s := range sets {
			if s == nil {
				continue
			}
			if h := s.content(u.Message); h != nil {
				return h
			}
		}
		if h := t.event(sets, OnMessage); h != nil {
			return h
		}
	default:
		if ev := kindEvent(u.Kind); ev != 0 {
			if h := t.event(sets, ev); h != nil {
				return h
			}
		}
	}
	return t.event(sets, OnAny) // t.none when no OnAny handler
}

// command returns the handler of the message's command, if any.
func (t *table) command(sets [2]*compiledSet, c *Context) HandlerFunc {
	if (sets[0] == nil || len(sets[0].commands) == 0) && len(sets[1].commands) == 0 {
		return nil
	}
	name, payload, ok := parseCommand(c.Text())
	if !ok {
		return nil
	}
	name = strings.ToLower(name)
	for _, s := range sets {
		if s == nil {
			continue
		}
		if h := s.commands[name]; h != nil {
			c.payload = payload
			return h
		}
	}
	return nil
}

// event returns the handler of ev of the first set that has one; nil for
// none (and t.none for OnAny).
func (t *table) event(sets [2]*compiledSet, ev Event) HandlerFunc {
	for _, s := range sets {
		if s != nil && s.events[ev] != nil {
			return s.events[ev]
		}
	}
	if ev == OnAny {
		return t.none
	}
	return nil
}

// kindEvents is the route of each kind that is not a new message.
var kindEvents = [kindEnd]Event{
	KindStatus:   OnStatus,
	KindEdit:     OnEdited,
	KindDeletion: OnDeleted,
	KindReaction: OnReaction,
	KindPollVote: OnPollVote,
}

// kindEvent returns the route of k, or 0 for KindMessage, KindOther and
// kinds this version does not know.
func kindEvent(k UpdateKind) Event {
	if k < kindEnd {
		return kindEvents[k]
	}
	return 0
}

// outgoing reports whether u is a message the account itself sent, or an
// edit, deletion, reaction or vote the account made.
func outgoing(u *Update) bool {
	return u.Kind != KindStatus && u.Kind != KindOther && u.Message != nil && u.Message.FromMe
}

// content returns the handler of the message's content type, if any.
func (s *compiledSet) content(m *Message) HandlerFunc {
	if m == nil {
		return nil
	}
	if len(m.Contacts) > 0 || (m.Document != nil && m.Document.IsVCard()) {
		if h := s.events[OnContact]; h != nil {
			return h
		}
	}
	if m.Document != nil {
		return s.events[OnDocument]
	}
	switch {
	case m.Location != nil:
		return s.events[OnLocation]
	case m.Sticker != nil:
		return s.events[OnSticker]
	case m.Poll != nil:
		return s.events[OnPoll]
	case m.Button != nil:
		return s.events[OnButton]
	case m.Form != nil:
		return s.events[OnForm]
	}
	if m.Text != "" && len(m.Contacts) == 0 {
		return s.events[OnText]
	}
	return nil
}

// parseCommand splits "/name payload" into its parts.
func parseCommand(text string) (name, payload string, ok bool) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if len(text) < 2 || text[0] != '/' {
		return "", "", false
	}
	text = text[1:]
	i := strings.IndexFunc(text, unicode.IsSpace)
	if i < 0 {
		return text, "", true
	}
	if i == 0 {
		return "", "", false
	}
	return text[:i], strings.TrimSpace(text[i:]), true
}
