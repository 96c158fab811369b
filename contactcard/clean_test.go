package contactcard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCleanPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+7 900 123-45-67", "+7 900 123-45-67"},
		{"\u200e+7 900 123-45-67\u202c", "+7 900 123-45-67"},
		{"\ufeff8 (900) 123-45-67\u2069\n", "8 (900) 123-45-67"},
		{"+7\u200b900 1234567", "+7900 1234567"},
		{"+7 900\n123\t45 67", "+7 90012345 67"}, // control characters are invisible
		{"tel:+1-650-253-0000;ext=123", "+1-650-253-0000"},
		{"TEL:+1-650-253-0000", "+1-650-253-0000"},
		{"Tel.: +7 900 123 45 67", "+7 900 123 45 67"},
		{"моб. 8 900 123 45 67", "8 900 123 45 67"},
		{"+7 900 123-45-67 mobile", "+7 900 123-45-67"},
		{"+7 900 123-45-67 (моб.)", "+7 900 123-45-67"},
		{"+7 (495) 123-45-67 доб. 123", "+7 (495) 123-45-67"},
		{"+1 650 253 0000 x123", "+1 650 253 0000"},
		{"+7 495 123-45-67,,5", "+7 495 123-45-67"},
		{"+7 495 123-45-67p123w4", "+7 495 123-45-67"},
		{"+7 900 111-22-33 +7 900 444-55-66", "+7 900 111-22-33"},
		{"0044 20 7946 0958", "+44 20 7946 0958"},
		{"(495) 123-45-67", "(495) 123-45-67"},
		{"+７ ９００ １２３", "+７ ９００ １２３"},
		{"＋44 7911 123456", "+44 7911 123456"},
		{"0611/123456", "0611/123456"},
		{"", ""},
		{"mobile", ""},
		{"sip:someone@example.com", ""},
		{"+", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, cleanPhone(tt.in))
		})
	}
}

func TestSplitNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"+7 900 111-22-33, +7 900 444-55-66", []string{"+7 900 111-22-33", "+7 900 444-55-66"}},
		{"+7 900 111-22-33; 8 900 444-55-66 / +44 7911 123456", []string{"+7 900 111-22-33", "8 900 444-55-66", "+44 7911 123456"}},
		{"+7 495 123-45-67, доб. 12", []string{"+7 495 123-45-67, доб. 12"}},
		{"0611/123456", []string{"0611/123456"}},
		{"tel:+1-650-253-0000;ext=1", []string{"tel:+1-650-253-0000;ext=1"}},
		{"+7 900 111-22-33", []string{"+7 900 111-22-33"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, splitNumbers(tt.in))
		})
	}
}

// TestCleanPhoneReadsABoundedPrefix: a long value is read for its number
// only in its first 1000 bytes, however long the rest.
func TestCleanPhoneReadsABoundedPrefix(t *testing.T) {
	label := strings.Repeat("x", 1200)
	assert.Equal(t, "+7 900 123-45-67", cleanPhone("+7 900 123-45-67 "+label))
	assert.Empty(t, cleanPhone(label+" +7 900 123-45-67"), "a number past the bound is not read")
	assert.Equal(t, "+7 900 123-45-67", cleanPhone(strings.Repeat(" ", 900)+"+7 900 123-45-67"), "a number within it is")
}
