package contactcard

// parse runs the pre-pass over data, reads the clean text it wrote into
// go-vcard's Card model and builds a Card of each card read.
func (c *config) parse(data []byte) ([]Card, error) {
	pp := newPrepass(c.fallback, len(data))
	pp.run(data)
	if pp.cards == 0 {
		return nil, noCardError(data)
	}
	b := builder{cfg: c, scans: maxGroupingScans}
	vcs := decodeClean(pp.out, pp.cards)
	cards := make([]Card, 0, len(vcs))
	for _, vc := range vcs {
		cards = append(cards, b.card(vc))
	}
	return cards, nil
}
