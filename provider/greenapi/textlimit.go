package greenapi

import "github.com/cardbot/cardbot"

// TextLimit returns the longest text Send takes, in characters
// (Config.MaxTextLength: 20 000 on WhatsApp, 4 000 on MAX). It makes the
// client a cardbot.TextLimiter, so that Context.SendSplit cuts a longer
// text into messages that fit.
func (c *Client) TextLimit() cardbot.TextLimit { return cardbot.TextLimit{Max: c.cfg.MaxTextLength} }

var _ cardbot.TextLimiter = (*Client)(nil)
