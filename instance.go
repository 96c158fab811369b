package cardbot

// InstanceStatus is what a provider knows, without asking, of the state of
// its account at the messenger's service: a GREEN-API instance that lost
// its authorization, was blocked or spent its quota cannot send.
type InstanceStatus struct {
	// Provider is the provider's name.
	Provider string
	// Instance identifies the account (GREEN-API's idInstance).
	Instance string
	// State is the state as the service names it ("authorized",
	// "notAuthorized", "blocked", …), or "" while it is not known.
	State string
	// QuotaExceeded says that the service reported the account's quota
	// spent.
	QuotaExceeded bool
	// Ready says whether the account can send, as far as the provider
	// knows: an unknown state counts as ready.
	Ready bool
	// Reason says why not, when not Ready: the state, "quotaExceeded", or
	// why the state could not be read.
	Reason string
}

// InstanceReporter is a provider that keeps the state of its account
// (greenapi.Client does). Bot.Ready names its check after the instance
// ("greenapi 1101000001"), and Bot.Gauges reports its status.
type InstanceReporter interface {
	// InstanceStatus returns the status last known; it asks nothing.
	InstanceStatus() InstanceStatus
}
