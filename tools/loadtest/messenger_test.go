package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSpread(t *testing.T) {
	tests := []struct {
		n               int
		aitu, max       float64
		wantWA, wantMAX int
		wantAitu        int
	}{
		{n: 20, aitu: 0.25, max: 0.15, wantWA: 12, wantMAX: 3, wantAitu: 5},
		{n: 200, aitu: 0.25, max: 0.15, wantWA: 120, wantMAX: 30, wantAitu: 50},
		{n: 100, aitu: 0.25, max: 0, wantWA: 75, wantAitu: 25},
		{n: 10, aitu: 0, max: 1, wantMAX: 10},
		{n: 3, aitu: 1.0 / 3, max: 1.0 / 3, wantWA: 1, wantMAX: 1, wantAitu: 1},
		{n: 1, aitu: 0.25, max: 0.15, wantWA: 1},
	}
	for _, tt := range tests {
		got := spread(tt.n, tt.aitu, tt.max)
		var count [messengers]int
		for c, m := range got {
			count[m]++
			// Every prefix holds each share to within one chat.
			for m := range messengers {
				share := [messengers]float64{1 - tt.aitu - tt.max, tt.max, tt.aitu}[m]
				n := 0
				for _, x := range got[:c+1] {
					if x == m {
						n++
					}
				}
				assert.InDelta(t, float64(c+1)*share, float64(n), 1, "n=%d chat %d %s", tt.n, c, m)
			}
		}
		assert.Equal(t, [messengers]int{tt.wantWA, tt.wantMAX, tt.wantAitu}, count, "n=%d aitu=%v max=%v", tt.n, tt.aitu, tt.max)
	}
}

func TestMAXIDs(t *testing.T) {
	chatID := regexp.MustCompile(`^-?[1-9]\d{0,19}$`)
	for c := range 6 {
		chat, sender := maxChat(c)
		assert.Regexp(t, chatID, chat)
		if c%3 == 2 {
			assert.Equal(t, "-", chat[:1], "every third chat is a group")
			assert.Regexp(t, chatID, sender)
		} else {
			assert.Empty(t, sender)
		}
	}
	seen := map[string]bool{}
	for _, phase := range []string{"warmup", "bare", "floor", "load", "faults", "shut", "crash", "tput"} {
		for _, n := range []int{0, 1, 999_999} {
			p := maxPhone(phase, n)
			assert.Regexp(t, `^79\d{9}$`, p, "a Russian mobile number, as MAX's checkAccount takes")
			assert.False(t, seen[p], "unique in a run: %s", p)
			seen[p] = true
			a := maxAccount(p)
			assert.Regexp(t, `^[1-9]\d+$`, a)
			assert.NotEqual(t, a, p)
		}
	}
}
