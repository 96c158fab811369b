package cardbot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot"
)

func TestWithDefaultRegionRefusesAnUnknownRegion(t *testing.T) {
	assert.PanicsWithValue(t, `cardbot: WithDefaultRegion: contactcard: unknown region: "XX" is no ISO 3166 region with phone numbers`,
		func() { cardbot.New(cardbot.WithDefaultRegion("XX")) })
	assert.NotPanics(t, func() { cardbot.New(cardbot.WithDefaultRegion("kz")) })
}
