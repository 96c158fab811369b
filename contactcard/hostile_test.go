package contactcard_test

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/contactcard"
)

// fill returns prefix, then line as many times as fit in size bytes with
// suffix, then suffix.
func fill(prefix, line, suffix string, size int) []byte {
	n := max(0, (size-len(prefix)-len(suffix))/len(line))
	b := make([]byte, 0, len(prefix)+n*len(line)+len(suffix))
	b = append(b, prefix...)
	b = append(b, bytes.Repeat([]byte(line), n)...)
	return append(b, suffix...)
}

// manyNumbers returns n numbers: prefix, then i in seven digits, for i
// from 0.
func manyNumbers(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		d := strconv.Itoa(i)
		out[i] = prefix + strings.Repeat("0", 7-len(d)) + d
	}
	return out
}

// telCard returns a vCard named Many with a TEL property of each of raws,
// in order.
func telCard(raws []string) []byte {
	var b bytes.Buffer
	b.Grow(len(raws) * len("TEL:+79001234567\n"))
	b.WriteString("BEGIN:VCARD\nFN:Many\n")
	for _, r := range raws {
		b.WriteString("TEL:")
		b.WriteString(r)
		b.WriteString("\n")
	}
	b.WriteString("END:VCARD\n")
	return b.Bytes()
}

// TestHostileInput feeds Parse inputs built to cost: millions of lines,
// half a million phones, one 4 MiB line, deep nesting. It checks what
// comes out, not how fast (BenchmarkHostile shows that).
func TestHostileInput(t *testing.T) {
	t.Parallel() // shares nothing with the other tests; nor do its subtests
	const fourMiB = contactcard.DefaultMaxBytes
	head := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\nTEL:+7 900 123-45-67\r\n"
	end := "END:VCARD\r\n"

	t.Run("4 MiB of one-byte lines", func(t *testing.T) {
		t.Parallel()
		for _, line := range []string{"x\n", "\n", "\r", " \n", ":\n", ";\n", "=\n"} {
			t.Run(fmt.Sprintf("%q", line), func(t *testing.T) {
				t.Parallel()
				data := fill(head, line, end, fourMiB)
				require.LessOrEqual(t, len(data), fourMiB)
				cards, err := contactcard.Parse(bytes.NewReader(data))
				require.NoError(t, err)
				require.Len(t, cards, 1)
				assert.Equal(t, "Anna", cards[0].FormattedName)
				ph, ok := cards[0].PrimaryPhone()
				require.True(t, ok)
				assert.Equal(t, "79001234567", ph.Number)
			})
		}
	})

	t.Run("500 000 TEL properties", func(t *testing.T) {
		t.Parallel()
		const n, maxPhones = 500_000, 50
		raws := manyNumbers("+7900", n)
		p := contactcard.Parser{MaxPhones: maxPhones, MaxBytes: 16 << 20}
		cards, err := p.Parse(bytes.NewReader(telCard(raws)))
		require.NoError(t, err)
		require.Len(t, cards, 1)
		phones := cards[0].Phones
		require.Len(t, phones, n, "every phone is kept")
		for i, ph := range phones {
			if i < maxPhones {
				require.NoError(t, ph.Err, "phone %d", i)
				require.Equal(t, fmt.Sprintf("7900%07d", i), ph.Number)
				continue
			}
			// The same three checks, made by testify only when one fails:
			// half a million calls of it cost more than the parse.
			if !errors.Is(ph.Err, contactcard.ErrPhoneLimit) || ph.Number != "" || ph.Raw != raws[i] {
				require.ErrorIs(t, ph.Err, contactcard.ErrPhoneLimit, "phone %d", i)
				require.Empty(t, ph.Number)
				require.Equal(t, fmt.Sprintf("+7900%07d", i), ph.Raw)
			}
		}
	})

	t.Run("500 000 TEL properties under the default cap", func(t *testing.T) {
		t.Parallel()
		const n = 500_000
		cards, err := contactcard.Parser{MaxBytes: 16 << 20}.Parse(bytes.NewReader(telCard(manyNumbers("8900", n))))
		require.NoError(t, err)
		require.Len(t, cards, 1)
		phones := cards[0].Phones
		require.Len(t, phones, n)
		for i, ph := range phones {
			// The same check, made by testify only when it fails.
			limited := errors.Is(ph.Err, contactcard.ErrPhoneLimit)
			if i < contactcard.DefaultMaxPhones && limited {
				require.NotErrorIs(t, ph.Err, contactcard.ErrPhoneLimit, "phone %d", i)
			} else if i >= contactcard.DefaultMaxPhones && !limited {
				require.ErrorIs(t, ph.Err, contactcard.ErrPhoneLimit, "phone %d", i)
			}
		}
	})

	t.Run("one 4 MiB line", func(t *testing.T) {
		t.Parallel()
		for _, prop := range []string{"NOTE:", "X-JUNK;", "FN:", "PHOTO;ENCODING=b:", "NOTE;ENCODING=QUOTED-PRINTABLE:"} {
			t.Run(prop, func(t *testing.T) {
				t.Parallel()
				data := fill(head+prop, "=", "\r\n"+end, fourMiB)
				require.LessOrEqual(t, len(data), fourMiB)
				cards, err := contactcard.Parse(bytes.NewReader(data))
				require.NoError(t, err)
				require.Len(t, cards, 1)
				ph, ok := cards[0].PrimaryPhone()
				require.True(t, ok)
				assert.Equal(t, "79001234567", ph.Number)
			})
		}
	})

	t.Run("one line over the cap", func(t *testing.T) {
		t.Parallel()
		data := fill(head+"NOTE:", "x", "\r\n"+end, fourMiB+1)
		_, err := contactcard.Parse(bytes.NewReader(data))
		require.ErrorIs(t, err, contactcard.ErrTooLarge)
	})

	t.Run("4 MiB of folded continuation lines", func(t *testing.T) {
		t.Parallel()
		data := fill(head+"NOTE:a\r\n", " b\r\n", end, fourMiB)
		cards, err := contactcard.Parse(bytes.NewReader(data))
		require.NoError(t, err)
		require.Len(t, cards, 1)
		assert.Equal(t, "Anna", cards[0].FormattedName)
	})

	t.Run("deeply nested BEGIN:VCARD", func(t *testing.T) {
		t.Parallel()
		const depth = 150_000
		data := strings.Repeat("BEGIN:VCARD\r\n", depth) + "FN:Deep\r\nTEL:+7 900 123-45-67\r\n" + strings.Repeat("END:VCARD\r\n", depth)
		require.LessOrEqual(t, len(data), fourMiB)
		cards, err := contactcard.Parse(strings.NewReader(data))
		require.NoError(t, err)
		require.NotEmpty(t, cards)
		var found bool
		for _, c := range cards {
			if ph, ok := c.PrimaryPhone(); ok && ph.Number == "79001234567" {
				found = true
			}
		}
		assert.True(t, found, "the innermost card's phone is read")
		assert.LessOrEqual(t, len(cards), depth)
	})

	t.Run("deeply nested, never closed", func(t *testing.T) {
		t.Parallel()
		data := fill("", "BEGIN:VCARD\r\n", "", fourMiB)
		cards, err := contactcard.Parse(bytes.NewReader(data))
		if err != nil {
			require.ErrorIs(t, err, contactcard.ErrNoCard)
			return
		}
		require.NotEmpty(t, cards)
	})

	t.Run("a million empty cards", func(t *testing.T) {
		t.Parallel()
		data := fill("", "BEGIN:VCARD\nEND:VCARD\n", "", fourMiB)
		cards, err := contactcard.Parse(bytes.NewReader(data))
		if err != nil {
			require.ErrorIs(t, err, contactcard.ErrNoCard)
			return
		}
		assert.NotEmpty(t, cards)
	})
}

// BenchmarkHostile shows what the hostile inputs of TestHostileInput cost.
func BenchmarkHostile(b *testing.B) {
	inputs := map[string][]byte{
		"one-byte-lines": fill("BEGIN:VCARD\nFN:A\n", "x\n", "END:VCARD\n", contactcard.DefaultMaxBytes),
		"tel-lines":      fill("BEGIN:VCARD\nFN:A\n", "TEL:8\n", "END:VCARD\n", contactcard.DefaultMaxBytes),
		"one-line":       fill("BEGIN:VCARD\nFN:A\nNOTE:", "x", "\nEND:VCARD\n", contactcard.DefaultMaxBytes),
		"nested":         fill("", "BEGIN:VCARD\n", "END:VCARD\n", contactcard.DefaultMaxBytes),
	}
	for name, data := range inputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_, _ = contactcard.Parse(bytes.NewReader(data))
			}
		})
	}
}
