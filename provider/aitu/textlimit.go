package aitu

import "github.com/cardbot/cardbot"

// textLimit is SendMessage's bound: MaxTextLength UTF-16 code units.
var textLimit = cardbot.TextLimit{Max: MaxTextLength, UTF16: true}

// TextLimit returns the longest text Send takes (MaxTextLength UTF-16 code
// units). It makes the client a cardbot.TextLimiter, so that
// Context.SendSplit cuts a longer text into messages that fit.
func (c *Client) TextLimit() cardbot.TextLimit { return textLimit }

var _ cardbot.TextLimiter = (*Client)(nil)
