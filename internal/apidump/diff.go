package apidump

import (
	"fmt"
	"strings"
)

// Diff returns a line diff from want to got in the manner of diff -u: lines
// only in want start with "-", lines only in got with "+", and each change
// shows up to two unchanged lines around it. It returns "" when they are
// equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	a, b := lines(want), lines(got)
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:]; the files are a few hundred lines, so the table is small.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		mark byte
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	const context = 2
	show := make([]bool, len(ops))
	for k, o := range ops {
		if o.mark != ' ' {
			for n := max(k-context, 0); n <= min(k+context, len(ops)-1); n++ {
				show[n] = true
			}
		}
	}
	var out strings.Builder
	for k, o := range ops {
		if !show[k] {
			continue
		}
		if k > 0 && !show[k-1] && out.Len() > 0 {
			out.WriteString("...\n")
		}
		fmt.Fprintf(&out, "%c %s\n", o.mark, o.text)
	}
	return out.String()
}

// lines splits s into lines without their newlines.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
