package contactcard

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// A number written without its country code carries evidence of its own:
// the way its digits are grouped. "416-555-0123" is grouped 3-3-4, as
// numbers of the North American plan are written; Russia writes its
// numbers of ten digits 3-3-2-2 ("916 123-45-67"). When a number read in a
// guessed region (the default region, the region of the card's other
// numbers, an address format) is grouped the way another country writes its
// numbers and not the way the guessed region writes this one, the guess is
// contradicted: the number is refused as ambiguous.

// minGroups is how many groups of digits a written number needs before its
// grouping counts as evidence: "916 1234567" says little, "416-555-0123"
// says how its country writes numbers.
const minGroups = 3

// maxGroupingScans bounds how many numbers of one input are read in every
// country that writes numbers grouped as they are (up to some fifty
// countries each), so that an input of many such numbers costs no more
// than this many; past it, a number so grouped is refused on the grouping
// alone, without the countries' readings.
const maxGroupingScans = 32

// writtenGroups returns the lengths of the runs of digits in s, a number
// without its country code as cutPhone returns it ("8 (495) 123-45-67" is
// 1, 3, 3, 2, 2), in buf.
func writtenGroups(s string, buf []int) []int {
	groups, run := buf[:0], 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			run++
			continue
		}
		if run > 0 {
			groups = append(groups, run)
			run = 0
		}
	}
	if run > 0 {
		groups = append(groups, run)
	}
	return groups
}

// groupKey is the key of a grouping in groupingIndex: "3-3-4".
func groupKey(groups []int) string {
	var b strings.Builder
	for i, g := range groups {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(g))
	}
	return b.String()
}

// groupingIndex maps each grouping of a national significant number that
// some region's numbering formats write ("3-3-4") to the calling codes of
// those regions. It is built once, from phonenumbers' metadata, the first
// time a grouped national number is read in a guessed region.
var groupingIndex = sync.OnceValue(func() map[string][]int {
	index := make(map[string][]int, 512)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return index
	}
	for _, m := range coll.GetMetadata() {
		code := int(m.GetCountryCode())
		if phonenumbers.GetRegionCodeForCountryCode(code) == "001" {
			continue // no country: +800, +808, …
		}
		for _, f := range m.GetNumberFormat() {
			for _, g := range patternGroupings(f.GetPattern()) {
				key := groupKey(g)
				if !containsInt(index[key], code) {
					index[key] = append(index[key], code)
				}
			}
		}
	}
	return index
})

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// patternGroupings returns the groupings a numbering format's pattern
// writes: "(\d{3})(\d{3})(\d{4})" is 3-3-4, "(\d{2})(\d{3,4})" is 2-3 and
// 2-4. A pattern of another shape (alternatives, optional parts) gives none.
func patternGroupings(pattern string) [][]int {
	out := [][]int{nil}
	for len(pattern) > 0 {
		if pattern[0] != '(' {
			return nil
		}
		end := strings.IndexByte(pattern, ')')
		if end < 0 {
			return nil
		}
		lo, hi, ok := groupLength(pattern[1:end])
		if !ok || hi-lo > 2 {
			return nil
		}
		var next [][]int
		for _, g := range out {
			for n := lo; n <= hi; n++ {
				next = append(next, append(g[:len(g):len(g)], n))
			}
		}
		if len(next) > 16 {
			return nil
		}
		out, pattern = next, pattern[end+1:]
	}
	return out
}

// groupLength returns how many digits one group of a pattern matches:
// "\d{3}" 3, "\d{3,4}" 3 to 4, "[1-9]\d" 2, "20" 2.
func groupLength(g string) (lo, hi int, ok bool) {
	for len(g) > 0 {
		switch {
		case strings.HasPrefix(g, `\d`):
			g = g[2:]
		case g[0] == '[':
			end := strings.IndexByte(g, ']')
			if end < 0 {
				return 0, 0, false
			}
			g = g[end+1:]
		case '0' <= g[0] && g[0] <= '9':
			g = g[1:]
		default:
			return 0, 0, false
		}
		min, max := 1, 1
		if len(g) > 0 && g[0] == '{' {
			end := strings.IndexByte(g, '}')
			if end < 0 {
				return 0, 0, false
			}
			a, b, isRange := strings.Cut(g[1:end], ",")
			var err error
			if min, err = strconv.Atoi(a); err != nil {
				return 0, 0, false
			}
			max = min
			if isRange {
				if max, err = strconv.Atoi(b); err != nil {
					return 0, 0, false
				}
			}
			g = g[end+1:]
		}
		lo, hi = lo+min, hi+max
	}
	return lo, hi, lo > 0
}

// withOwnTrunk reports whether the written number starts with the trunk
// prefix of num's region, which reading it there took off ("8" in Russia),
// and its national digits are grouped as some format of num's calling code
// groups numbers: written the region's way twice over, which saves
// formatting the number to compare.
func withOwnTrunk(s string, groups, nsnGroups []int, num *phonenumbers.PhoneNumber, region string, index map[string][]int) bool {
	trunk := phonenumbers.GetNddPrefixForRegion(region, true)
	total := 0
	for _, g := range groups {
		total += g
	}
	nsn := 0
	for _, g := range nsnGroups {
		nsn += g
	}
	if trunk == "" || total-nsn != len(trunk) || !strings.HasPrefix(phonenumbers.NormalizeDigitsOnly(s), trunk) {
		return false
	}
	return containsInt(index[groupKey(nsnGroups)], int(num.GetCountryCode()))
}

// trimLeading drops the first n digits from a grouping.
func trimLeading(groups []int, n int) []int {
	out := groups
	for n > 0 && len(out) > 0 {
		if out[0] <= n {
			n -= out[0]
			out = out[1:]
			continue
		}
		out = append([]int{out[0] - n}, out[1:]...)
		n = 0
	}
	return out
}

// nsnGroups returns the grouping of a written number's national
// significant digits: the written grouping without the digits before them
// (a trunk prefix, "8" or "0"), given how many national significant digits
// the reading has. It returns nil when the written number has fewer.
func nsnGroups(groups []int, nsnLen int) []int {
	total := 0
	for _, g := range groups {
		total += g
	}
	if total < nsnLen {
		return nil
	}
	return trimLeading(groups, total-nsnLen)
}

// formattedGroups returns the grouping of a number's national
// significant digits in its region's national format.
func formattedGroups(num *phonenumbers.PhoneNumber) []int {
	nsn := len(phonenumbers.GetNationalSignificantNumber(num))
	return nsnGroups(writtenGroups(phonenumbers.Format(num, phonenumbers.NATIONAL), nil), nsn)
}

// writtenAs reports whether a number's national format in its region
// groups its national significant digits as written does.
func writtenAs(num *phonenumbers.PhoneNumber, written []int) bool {
	formatted := formattedGroups(num)
	if len(formatted) != len(written) {
		return false
	}
	for i := range formatted {
		if formatted[i] != written[i] {
			return false
		}
	}
	return true
}

// writtenFiner reports whether the written grouping keeps every boundary
// of the number's national format and perhaps splits its groups further:
// "(067) 123-45-67" is how Ukrainians write "067 123 4567", the format
// phonenumbers knows. A grouping that joins the format's groups is not:
// "416-555-0123" joins the "01-23" of Russia's "(416) 555-01-23".
func writtenFiner(num *phonenumbers.PhoneNumber, written []int) bool {
	formatted := formattedGroups(num)
	i, w, f := 0, 0, 0 // positions in written; digits up to the boundaries
	for _, g := range formatted {
		f += g
		for w < f && i < len(written) {
			w += written[i]
			i++
		}
		if w != f {
			return false
		}
	}
	return true
}

// writtenKeys returns the index keys under which a written grouping may be
// the grouping of a national significant number: as written, and without
// a leading group or digits that may be a trunk prefix ("0 20 7946 0958",
// "020 7946 0958", "1-800-555-0199").
func writtenKeys(groups []int) []string {
	keys := []string{groupKey(groups)}
	for n := 1; n <= 2; n++ {
		if t := trimLeading(groups, n); len(t) >= minGroups-1 {
			k := groupKey(t)
			if !containsString(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// foreignReading is a reading of a written number in another country's
// numbering whose format groups it as it is written.
type foreignReading struct {
	region string // the number's region there
	num    *phonenumbers.PhoneNumber
	valid  bool
	seps   int // how many of the written separators its formats use
}

// contradicted reports whether s, a number without its country code read
// as num (of region) under a guessed region, is written the way another
// country writes its numbers and not the way num's region writes this
// one; it returns the readings in those countries. A number of fewer than minGroups groups, or
// grouped as its region writes it, or grouped as no other country writes
// a possible number of its digits, is not contradicted.
//
// budget, when not nil, counts down the numbers read in those countries
// (see maxGroupingScans); at zero, a number whose grouping no format of
// its own region has but other countries' formats have is contradicted
// without readings.
func contradicted(s string, num *phonenumbers.PhoneNumber, region string, budget *int) ([]foreignReading, bool) {
	var buf [8]int
	groups := writtenGroups(s, buf[:0])
	if len(groups) < minGroups {
		return nil, false
	}
	own := int(num.GetCountryCode())
	var codes []int
	index := groupingIndex()
	for _, key := range writtenKeys(groups) {
		for _, code := range index[key] {
			if code != own && !containsInt(codes, code) {
				codes = append(codes, code)
			}
		}
	}
	if len(codes) == 0 {
		return nil, false // no other country writes numbers so
	}
	nsn := len(phonenumbers.GetNationalSignificantNumber(num))
	w := nsnGroups(groups, nsn)
	if w != nil && withOwnTrunk(s, groups, w, num, region, index) {
		return nil, false // "8 (495) 123-45-67": Russia's trunk prefix and grouping
	}
	if w != nil && writtenFiner(num, w) {
		return nil, false // its own region writes it so, or finer
	}
	if budget != nil {
		if *budget <= 0 {
			return nil, true
		}
		*budget--
	}
	digits := phonenumbers.NormalizeDigitsOnly(s)
	var found []foreignReading
	for _, code := range codes {
		region := phonenumbers.GetRegionCodeForCountryCode(code)
		other, err := phonenumbers.Parse(digits, region)
		if err != nil || int(other.GetCountryCode()) != code || !phonenumbers.IsPossibleNumber(other) {
			continue
		}
		w := nsnGroups(groups, len(phonenumbers.GetNationalSignificantNumber(other)))
		if w == nil || !writtenAs(other, w) {
			continue
		}
		r := phonenumbers.GetRegionCodeForNumber(other)
		valid := r != "" && phonenumbers.IsValidNumberForRegion(other, r)
		if r == "" {
			r = region
		}
		found = append(found, foreignReading{region: r, num: other, valid: valid, seps: sameSeparators(s, other, len(w)-1)})
	}
	// The countries where it is a valid number first, and among them those
	// whose formats separate the groups as written ("416-555-0123" is
	// North America's "+1 416-555-0123", not China's "0416 555 0123").
	slices.SortStableFunc(found, func(a, b foreignReading) int {
		switch {
		case a.valid != b.valid && a.valid:
			return -1
		case a.valid != b.valid:
			return 1
		}
		return b.seps - a.seps
	})
	return found, len(found) > 0
}

// sameSeparators counts the last k separators of the written number that
// the number's national or international format writes at the same place.
func sameSeparators(written string, num *phonenumbers.PhoneNumber, k int) int {
	w := tailSeparators(written, k)
	national := tailSeparators(phonenumbers.Format(num, phonenumbers.NATIONAL), k)
	intl := tailSeparators(phonenumbers.Format(num, phonenumbers.INTERNATIONAL), k)
	n := 0
	for i := range w {
		if (i < len(national) && w[i] == national[i]) || (i < len(intl) && w[i] == intl[i]) {
			n++
		}
	}
	return n
}

// tailSeparators returns the last k texts between runs of digits in s.
func tailSeparators(s string, k int) []string {
	var seps []string
	start := -1 // start of the current separator, -1 inside digits
	seen := false
	for i, r := range s {
		if unicode.IsDigit(r) {
			if start >= 0 && seen {
				seps = append(seps, s[start:i])
			}
			start, seen = -1, true
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if len(seps) > k {
		seps = seps[len(seps)-k:]
	}
	return seps
}
