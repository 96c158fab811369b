package apierr

// Kinds maps the classes of failures to a provider's sentinels, the kinds
// its APIError matches with errors.Is; a class it leaves out has none.
type Kinds [Permanent + 1]error

// Of returns the sentinel of a failure with status, or of a network error
// (status 0) whose cause is cause (see ClassOf); nil when its class has
// none.
func (k *Kinds) Of(status int, cause error) error {
	return k[ClassOf(status, cause)]
}
