package cardbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit cardbot.TextLimit
		want  []string
	}{
		{"fits", "hello world", cardbot.TextLimit{Max: 11}, []string{"hello world"}},
		{"no limit", "hello world", cardbot.TextLimit{}, []string{"hello world"}},
		{"at a line end", "one two\nthree four\nfive", cardbot.TextLimit{Max: 12}, []string{"one two", "three four", "five"}},
		{"at a space", "one two three four", cardbot.TextLimit{Max: 9}, []string{"one two", "three", "four"}},
		{"a word over the limit", "abcdefghij kl", cardbot.TextLimit{Max: 4}, []string{"abcd", "efgh", "ij", "kl"}},
		{"characters, not bytes", "яяяя яяяя", cardbot.TextLimit{Max: 4}, []string{"яяяя", "яяяя"}},
		{"UTF-16: a surrogate pair is two", "😀😀😀", cardbot.TextLimit{Max: 4, UTF16: true}, []string{"😀😀", "😀"}},
		{"UTF-16: a pair never split", "a😀b", cardbot.TextLimit{Max: 2, UTF16: true}, []string{"a", "😀", "b"}},
		{"white space at cuts is dropped", "aaaa\n\n\n\n\n\nbbbb", cardbot.TextLimit{Max: 5}, []string{"aaaa", "bbbb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cardbot.SplitText(tt.text, tt.limit)
			assert.Equal(t, tt.want, got)
			for _, p := range got {
				assert.NoError(t, tt.limit.Check(p))
			}
		})
	}
}

func TestSplitTextLinear(t *testing.T) {
	// 2.3 million characters, the rejection text of issue #21, in parts
	// of GREEN-API's 20 000: quick, nothing lost but the spaces at cuts.
	text := strings.Repeat("\"12345\": not a valid number; ", 80000)
	start := time.Now()
	parts := cardbot.SplitText(text, cardbot.TextLimit{Max: 20000})
	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, 117, len(parts))
	for _, p := range parts {
		require.NoError(t, cardbot.TextLimit{Max: 20000}.Check(p))
	}
	assert.True(t, strings.ReplaceAll(text, " ", "") == strings.ReplaceAll(strings.Join(parts, ""), " ", ""), "nothing lost")
}

func TestTextTooLong(t *testing.T) {
	err := cardbot.TextLimit{Max: 3}.Check("abcd")
	require.ErrorIs(t, err, cardbot.ErrTextTooLong)
	var te *cardbot.TextTooLongError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, cardbot.TextTooLongError{Length: 4, Limit: cardbot.TextLimit{Max: 3}}, *te)
	assert.Equal(t, "cardbot: text over the provider's limit: 4 characters, the limit is 3", err.Error())
	assert.NoError(t, cardbot.TextLimit{Max: 4}.Check("abcd"))
	assert.Equal(t, 2, cardbot.TextLimit{UTF16: true}.Length("😀"))
}

// A text over the provider's limit: Send fails before any request with a
// typed error; SendSplit sends it in parts within the limit.
func TestSendLongText(t *testing.T) {
	long := strings.Repeat("word ", 1700) // 8 500 characters; MAX takes 4 000
	srv, c := greenAPI(t, greenapitest.WithMAX())
	b := newBot()
	var sendErr, splitErr error
	b.Handle(cardbot.OnText, func(ctx *cardbot.Context) error {
		sendErr = ctx.Send(long)
		splitErr = ctx.SendSplit(long)
		return nil
	})
	require.NoError(t, dispatch(t, b, c, srv.IncomingText(greenapitest.Incoming{ChatID: "10000000"}, "hi")))
	require.ErrorIs(t, sendErr, cardbot.ErrTextTooLong)
	var te *cardbot.TextTooLongError
	require.ErrorAs(t, sendErr, &te)
	assert.Equal(t, 8500, te.Length)
	assert.Equal(t, 4000, te.Limit.Max)

	require.NoError(t, splitErr)
	sent := srv.SentMessages()
	require.Len(t, sent, 3, "one request per part, none for the refused Send")
	var texts []string
	for _, m := range sent {
		assert.LessOrEqual(t, len([]rune(m.Text)), 4000)
		texts = append(texts, m.Text)
	}
	assert.Equal(t, strings.TrimSpace(long), strings.Join(texts, " "))
}

func TestSendSplitWithinTheSends(t *testing.T) {
	srv, c := greenAPI(t, greenapitest.WithMAX())
	b := newBot(cardbot.WithLimits(cardbot.Limits{MaxSends: 2}))
	var err error
	b.Handle(cardbot.OnText, func(ctx *cardbot.Context) error {
		err = ctx.SendSplit(strings.Repeat("word ", 2000)) // 3 parts
		return nil
	})
	require.NoError(t, dispatch(t, b, c, srv.IncomingText(greenapitest.Incoming{ChatID: "10000000"}, "hi")))
	require.ErrorIs(t, err, cardbot.ErrTooManySends)
	assert.Empty(t, srv.Calls(), "nothing is sent when not all parts can be")
}

func TestProvidersStateTheirTextLimit(t *testing.T) {
	_, wa := greenAPI(t)
	_, mx := greenAPI(t, greenapitest.WithMAX())
	ai, err := aitu.New(aitu.Config{Token: "t"})
	require.NoError(t, err)
	assert.Equal(t, cardbot.TextLimit{Max: 20000}, wa.TextLimit())
	assert.Equal(t, cardbot.TextLimit{Max: 4000}, mx.TextLimit())
	assert.Equal(t, cardbot.TextLimit{Max: 4096, UTF16: true}, ai.TextLimit())
}
