package cardbot

// NewContext gives the package's own tests the Context of a handling
// without a bot, or without a provider, which no other package can make
// (they use cardbottest.NewContext).
var NewContext = newContext
