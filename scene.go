package cardbot

import (
	"fmt"
	"strconv"
)

// InState returns the route of the updates that r selects while their
// conversation is in the state name (see WithState): "" is the state of a
// conversation that has none. Among the routes of one rank (see
// Bot.Handle), those of the conversation's state come before those without
// a state. On a bot without WithState an InState route never matches. It
// panics on a nil r and on r an InState route.
func InState(name string, r Route) Route {
	if r == nil {
		panic(fmt.Sprintf("cardbot: InState(%q) with a nil route", name))
	}
	if _, ok := r.(stateRoute); ok {
		panic(fmt.Sprintf("cardbot: InState(%q, %v): a route is in one state only", name, r))
	}
	return stateRoute{name: name, r: r}
}

type stateRoute struct {
	name string
	r    Route
}

func (r stateRoute) String() string {
	return "InState(" + strconv.Quote(r.name) + ", " + r.r.String() + ")"
}
func (stateRoute) route() {}

// SceneHooks are what runs when a conversation enters or leaves a scene's
// state: in SetState or ClearState, with the Context of the update whose
// handler changed the state. Either may be nil.
type SceneHooks struct {
	// Enter runs when the conversation moves into the scene: to ask the
	// scene's question, say.
	Enter HandlerFunc
	// Leave runs when the conversation moves out of the scene, to another
	// state or to none, before it moves.
	Leave HandlerFunc
}

// Scene is a state of a conversation with its handlers and hooks: one step
// of a multi-step flow. Its Handle registers routes that match only in its
// state, and its hooks run as the conversation enters and leaves it (see
// Context.SetState). A flow is a chain of scenes, each handler moving the
// conversation on with SetState, and out with ClearState. Like a Group,
// its Use and Group add middlewares to its handlers.
type Scene struct {
	g    *Group
	name string
}

// Scene returns the scene of the state name, with hooks, whose handlers
// share the middlewares mw. It panics on an empty name, a scene of that
// name registered before, and a nil middleware.
func (b *Bot) Scene(name string, hooks SceneHooks, mw ...MiddlewareFunc) *Scene {
	if name == "" {
		panic("cardbot: Scene with an empty name")
	}
	checkMiddleware("Scene "+name, mw)
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.reg.scenes[name]; dup {
		panic(fmt.Sprintf("cardbot: Scene %q registered twice", name))
	}
	b.reg.scenes[name] = hooks
	b.table.Store(nil)
	return &Scene{g: &Group{bot: b, mw: append([]MiddlewareFunc(nil), mw...), state: name, inState: true}, name: name}
}

// Handle registers h for the updates route selects while the conversation
// is in the scene's state: Bot.Handle(InState(s.Name(), route), h, mw...)
// with the scene's middlewares around mw.
func (s *Scene) Handle(route Route, h HandlerFunc, mw ...MiddlewareFunc) { s.g.Handle(route, h, mw...) }

// Use adds middlewares to the scene's handlers, those registered before
// included.
func (s *Scene) Use(mw ...MiddlewareFunc) { s.g.Use(mw...) }

// Group returns a group whose routes are in the scene's state, and whose
// middlewares mw run inside the scene's.
func (s *Scene) Group(mw ...MiddlewareFunc) *Group { return s.g.Group(mw...) }

// Name returns the scene's state.
func (s *Scene) Name() string { return s.name }
