package cardbot

import "errors"

// ErrMalformedUpdate means a body a provider delivered (a webhook, a polled
// notification) is not what that provider sends: not JSON, or JSON of the
// wrong shape. Providers' decoders return it wrapped; a webhook answers 400,
// since delivering the same body again cannot help.
var ErrMalformedUpdate = errors.New("cardbot: malformed update")
