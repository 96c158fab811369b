// Package cardbottest provides what the tests of a cardbot bot need, as
// net/http/httptest does for HTTP handlers: a Provider that records what
// a bot sends instead of sending it, builders of the updates a provider
// delivers (Text, Contact, Document, ButtonPress, Edit, Reaction, Status,
// …), and helpers that run a bot or a handler on one update.
//
// A test of a whole bot dispatches updates and looks at what was sent:
//
//	p := cardbottest.NewProvider("")
//	b := cardbottest.NewBot()
//	b.Handle(cardbot.Command("start"), start)
//	sent, err := cardbottest.Dispatch(t.Context(), b, p, cardbottest.Text("/start"))
//	require.NoError(t, err)
//	assert.Equal(t, "Hello!", sent[0].Text())
//
// A test of a single handler runs it with Handle; one of a middleware, or
// of what a handler calls, gets a *cardbot.Context from NewContext:
//
//	c := cardbottest.NewContext(t, p, cardbottest.Contact(vcard))
//	cards, err := c.Contacts()
//
// The Provider can be told to fail its sends (FailSends, FailAfter: wrap
// the error with cardbot.Retryable for one a bot may retry), to run a hook
// on each send (OnSend: block, watch the context, print), to serve
// documents from memory (AddFile) and to hint a phone region (SetRegion).
// SendOnly gives one that implements none of the optional provider
// interfaces.
//
// Errors (an error handler) and Observations (an Observer) keep what the
// bot reports, for a test to read.
//
// The builders fill an update with the defaults ChatID, UserID, UserName,
// MessageID and EarlierID, and leave Key empty, so that the bot does not
// deduplicate updates built alike; WithKey and the other UpdateOptions
// change them.
package cardbottest
