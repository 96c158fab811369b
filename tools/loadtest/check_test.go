package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCheck(t *testing.T) {
	exp := []Expect{
		{Token: "a0", ChatID: "A", Seq: 0}, {Token: "a1", ChatID: "A", Seq: 1}, {Token: "a2", ChatID: "A", Seq: 2},
		{Token: "b0", ChatID: "B", Seq: 0},
	}
	r := func(chat, token string) Reply { return Reply{ChatID: chat, Token: token, Text: "echo " + token} }
	tests := []struct {
		name    string
		replies []Reply
		order   bool
		want    Verdict // counts only
	}{
		{name: "all once, in order, chats interleaved", order: true,
			replies: []Reply{r("A", "a0"), r("B", "b0"), r("A", "a1"), r("A", "a2")},
			want:    Verdict{Expected: 4, Answered: 4}},
		{name: "lost", order: true,
			replies: []Reply{r("A", "a0"), r("A", "a2"), r("B", "b0")},
			want:    Verdict{Expected: 4, Answered: 3, Lost: 1}},
		{name: "doubled (a duplicate answered)", order: true,
			replies: []Reply{r("A", "a0"), r("A", "a1"), r("A", "a1"), r("A", "a2"), r("B", "b0")},
			want:    Verdict{Expected: 4, Answered: 4, Doubled: 1}},
		{name: "tripled counts once as doubled", order: true,
			replies: []Reply{r("A", "a0"), r("A", "a0"), r("A", "a0"), r("A", "a1"), r("A", "a2"), r("B", "b0")},
			want:    Verdict{Expected: 4, Answered: 4, Doubled: 1}},
		{name: "order broken", order: true,
			replies: []Reply{r("A", "a1"), r("A", "a0"), r("B", "b0"), r("A", "a2")},
			want:    Verdict{Expected: 4, Answered: 4, Disorder: 1}},
		{name: "order not checked", order: false,
			replies: []Reply{r("A", "a2"), r("A", "a1"), r("A", "a0"), r("B", "b0")},
			want:    Verdict{Expected: 4, Answered: 4}},
		{name: "stray and misrouted", order: true,
			replies: []Reply{r("A", "a0"), r("A", "a1"), r("A", "a2"), r("A", "b0"), r("B", "zz"), {ChatID: "B", Text: "hello"}},
			want:    Verdict{Expected: 4, Answered: 4, Stray: 2, Misrouted: 1}},
		{name: "nothing answered",
			want: Verdict{Expected: 4, Lost: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(exp, tt.replies, tt.order)
			assert.Equal(t, tt.want.OK(), got.OK())
			assert.Equal(t, len(got.Problems) > 0, !got.OK(), "a failure names its problems")
			got.Problems = nil
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCheckBoundsProblems(t *testing.T) {
	var exp []Expect
	for i := range 50 {
		exp = append(exp, Expect{Token: string(rune('a'+i%26)) + string(rune('a'+i/26)), ChatID: "A", Seq: i})
	}
	v := Check(exp, nil, true)
	assert.Equal(t, 50, v.Lost)
	assert.Len(t, v.Problems, maxProblems)
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, 50*time.Millisecond, percentile(ds, 50))
	assert.Equal(t, 99*time.Millisecond, percentile(ds, 99))
	assert.Equal(t, 100*time.Millisecond, percentile(ds, 100))
	assert.Equal(t, time.Duration(0), percentile(nil, 50))
	assert.Equal(t, 100*time.Millisecond, ds[0], "the input is not sorted in place")
}
