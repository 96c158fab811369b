package contactcard

import (
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// countryLanguages are the languages whose names of countries an address
// may use: CLDR's names in each (through x/text's display tables) map to
// the region.
var countryLanguages = [...]language.Tag{
	language.English, language.Russian, language.Ukrainian, language.Kazakh,
	language.German, language.French, language.Spanish, language.Italian,
	language.Portuguese, language.Dutch, language.Polish, language.Czech,
	language.Swedish, language.Norwegian, language.Danish, language.Finnish,
	language.Turkish, language.Chinese, language.TraditionalChinese,
	language.Japanese, language.Korean, language.Arabic, language.Hebrew,
	language.Hindi, language.Indonesian, language.Vietnamese, language.Greek,
	language.Hungarian, language.Romanian, language.Uzbek, language.Make("be"), language.Make("kk-Latn"),
}

// countryAliases are the names people write that CLDR does not list for
// the region.
var countryAliases = map[string]string{
	"united states of america": "US", "america": "US", "the united states": "US",
	"great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
	"northern ireland": "GB", "uk": "GB", "britain": "GB",
	"russian federation": "RU", "рф": "RU", "российская федерация": "RU",
	"holland": "NL", "the netherlands": "NL",
	"south korea": "KR", "republic of korea": "KR",
	"czech republic": "CZ", "uae": "AE", "ivory coast": "CI", "burma": "MM",
	"deutschland brd": "DE", "brd": "DE", "prc": "CN",
	"kazakstan": "KZ", "қазақстан республикасы": "KZ",
}

// countryNames maps a country's name, folded by foldCountry, to its region.
// It is built once, on the first address that names a country.
var countryNames = sync.OnceValue(func() map[string]string {
	regions := phonenumbers.GetSupportedRegions()
	names := make(map[string]string, len(regions)*len(countryLanguages)/2+len(countryAliases))
	for _, tag := range countryLanguages {
		namer := display.Regions(tag)
		if namer == nil {
			continue // no names in this language in x/text's tables
		}
		for code := range regions {
			r, err := language.ParseRegion(code)
			if err != nil {
				continue
			}
			if name := foldCountry(namer.Name(r)); name != "" {
				if _, taken := names[name]; !taken {
					names[name] = code
				}
			}
		}
	}
	for name, code := range countryAliases {
		names[foldCountry(name)] = code
	}
	return names
})

// regionOfCountry returns the region (ISO 3166 code) that an address's
// country names: a name in one of countryLanguages ("Canada", "Kanada",
// "Канада", "加拿大"), a common other name ("USA", "U.S.A.", "United States
// of America", "UK"), or an ISO 3166 alpha-2 or alpha-3 code ("CA", "CAN",
// "ca"). It returns "" when the text names no region phonenumbers knows.
func regionOfCountry(s string) string {
	folded := foldCountry(s)
	if folded == "" {
		return ""
	}
	if code, ok := countryNames()[folded]; ok {
		return code
	}
	if n := len(folded); n == 2 || n == 3 {
		if r, err := language.ParseRegion(folded); err == nil {
			code := r.Canonicalize().String()
			if phonenumbers.GetCountryCodeForRegion(code) != 0 {
				return code
			}
		}
	}
	return ""
}

// foldCountry returns a country's name in lower case with its dots dropped
// and its spaces single ("U.S.A." is "usa", " United  Kingdom" is "united
// kingdom"), or "" for a name over 64 bytes.
func foldCountry(s string) string {
	if len(s) > 64 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '.':
		case unicode.IsSpace(r) || r == '-' || r == ',':
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
