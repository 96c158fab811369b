package cardbot

import (
	"fmt"

	// encoding/json's behaviour, run by the v2 engine: the same JSON both
	// ways, in a third of the allocations.
	json "github.com/go-json-experiment/json/v1"
)

// maxSceneDepth bounds SetState calls made by scene hooks within one
// another, so that two scenes that enter each other fail instead of
// looping.
const maxSceneDepth = 8

// State returns the name of the conversation's state: "" when it has none,
// or when the bot keeps no state (WithState).
func (c *Context) State() string {
	if c.conv == nil {
		return ""
	}
	return c.conv.state
}

// SetState moves the conversation to the state name. When the state
// changes, the Leave hook of the old state's Scene runs first, then the
// Enter hook of the new one's, each with c; a hook's error is returned,
// and the state is then the one the hooks left.
//
// The change is saved when the update's handling returns nil; when it
// returns an error or panics, every change of state and data it made is
// dropped, so that a redelivery of the update runs the same step again.
// SetState fails with ErrNoState on a bot without WithState and on an
// update without a conversation.
func (c *Context) SetState(name string) error {
	if c.conv == nil {
		return ErrNoState
	}
	old := c.conv.state
	if old == name {
		return nil
	}
	if c.conv.depth >= maxSceneDepth {
		return fmt.Errorf("cardbot: SetState(%q): scene hooks nested %d deep", name, c.conv.depth)
	}
	c.conv.depth++
	defer func() { c.conv.depth-- }()
	hooks := c.scenes()
	if leave := hooks[old].Leave; leave != nil {
		if err := leave(c); err != nil {
			return err
		}
	}
	c.conv.state, c.conv.dirty = name, true
	if enter := hooks[name].Enter; enter != nil {
		return enter(c)
	}
	return nil
}

// ClearState ends the conversation: it leaves the state (running the Leave
// hook of its Scene, like SetState("")) and deletes the data. Like
// SetState, it is saved when the handling returns nil.
func (c *Context) ClearState() error {
	if err := c.SetState(""); err != nil {
		return err
	}
	c.conv.data, c.conv.dirty = nil, true
	return nil
}

// scenes returns the hooks of the bot's scenes. c has a bot: only a bot's
// stateKeeper gives a Context a conversation, which SetState needs first.
func (c *Context) scenes() map[string]SceneHooks {
	return c.bot.routes().scenes
}

// GetData returns the data of the conversation, which SetData stored,
// decoded from JSON into a T; the zero T when there is none. It fails
// with ErrNoState like SetState, and with the decoder's error when the
// stored JSON does not fit a T (the data of another type, an older
// version of the bot).
func GetData[T any](c *Context) (T, error) {
	var v T
	if c.conv == nil {
		return v, ErrNoState
	}
	if len(c.conv.data) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(c.conv.data, &v); err != nil {
		return v, fmt.Errorf("cardbot: conversation data into %T: %w", v, err)
	}
	return v, nil
}

// SetData replaces the data of the conversation with v, encoded as JSON:
// a small record (a draft, the step's answers), at most
// StateConfig.MaxData bytes of JSON, else ErrStateTooLarge. It is saved
// with the state: see SetState. It fails with ErrNoState like SetState,
// and with the encoder's error for a v that JSON cannot encode.
func SetData[T any](c *Context, v T) error {
	if c.conv == nil {
		return ErrNoState
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cardbot: conversation data of %T: %w", v, err)
	}
	if limit := c.conv.keeper.cfg.MaxData; len(data) > limit {
		return fmt.Errorf("%w: %d bytes of JSON, the cap is %d", ErrStateTooLarge, len(data), limit)
	}
	c.conv.data, c.conv.dirty = data, true
	return nil
}
