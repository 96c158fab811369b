package cardbot

import "errors"

// ErrMalformedUpdate means a body a provider delivered (a webhook, a polled
// notification) is not what that provider sends: not JSON, or JSON of the
// wrong shape. Providers' decoders return it wrapped; a webhook answers 400,
// since delivering the same body again cannot help.
var ErrMalformedUpdate = errors.New("cardbot: malformed update")

// ErrMisrouted means a body reached the route of a provider it is not
// meant for: a GREEN-API notification of another instance, or of another
// kind of instance (a Telegram instance's notification on a WhatsApp
// route). Providers' decoders return it wrapped and never answer such an
// update; a webhook answers 422, so that the provider keeps the update and
// delivers it again once its webhook URL points at the right route.
var ErrMisrouted = errors.New("cardbot: update for another provider instance")
