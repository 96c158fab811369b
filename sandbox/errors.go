package sandbox

import (
	"errors"
	"strings"
)

// ErrRealCredentials is wrapped by the error New returns when credentials
// of a real messenger account are set (see CredentialsError).
var ErrRealCredentials = errors.New("sandbox: real credentials are set")

// ErrUnknownMessenger is returned for a messenger the sandbox does not
// play (Config.Messengers, or a route's <messenger>).
var ErrUnknownMessenger = errors.New("sandbox: unknown messenger")

// ErrUnknownChat is returned for a user or chat the sandbox does not have.
var ErrUnknownChat = errors.New("sandbox: unknown user or chat")

// ErrNothingToRedeliver is returned when "deliver again" is asked before
// anything was delivered on that messenger.
var ErrNothingToRedeliver = errors.New("sandbox: nothing delivered yet")

// ErrClosed is returned by a delivery after Close.
var ErrClosed = errors.New("sandbox: closed")

// CredentialsError says which credential variables are set. It names the
// variables, never their values.
type CredentialsError struct {
	// Variables are the names of the variables that are set.
	Variables []string
}

// Error implements error.
func (e *CredentialsError) Error() string {
	return "sandbox: refusing to start: real credentials are set (" + strings.Join(e.Variables, ", ") +
		"); the sandbox only runs a bot that has no account"
}

// Unwrap makes errors.Is(err, ErrRealCredentials) true.
func (e *CredentialsError) Unwrap() error { return ErrRealCredentials }
