package contactcard

// Card is one contact read from a vCard: the names, the organization, the phone
// numbers and the e-mail addresses. Other vCard properties (addresses, notes,
// photos, …) are not kept.
type Card struct {
	// FormattedName is the display name (FN). When a card has no FN it is
	// built from the structured name, or else from the company.
	FormattedName string

	// FirstName, MiddleName and LastName come from the structured name (N).
	// A card whose N is missing or empty takes them from FN (one word is a
	// first name, two are first and last, more put the words between them
	// into MiddleName), unless it is a company's card: its FN is the
	// company, or Apple's X-ABShowAs says COMPANY.
	FirstName  string
	MiddleName string
	LastName   string

	// Prefix and Suffix are the honorifics of N ("Dr.", "Jr.").
	Prefix string
	Suffix string

	// Company is the first component of ORG; Title is TITLE.
	Company string
	Title   string

	// Phones holds every TEL in the order written, one Phone for each number
	// of a TEL that holds several. Two TELs are kept once only when they are
	// the same number: both normalize, to the same Number, and the digits
	// after the number (an extension, a pause) are the same in both; the
	// phone kept first takes the other's types, preference, label and WAID.
	// So "+7 900 123-45-67" as CELL and "8 (900) 123-45-67" as HOME are one
	// phone, while "+7 495 123-45-67 ext 12" and "… ext 13" are two. A TEL
	// that fails is never merged: each keeps its own Raw, types and Err, even
	// when another is written alike.
	Phones []Phone

	// Emails holds every non-empty EMAIL in the order written.
	Emails []string

	// Accounts are the contact's accounts on messengers, by messenger
	// (MessengerMAX, MessengerAitu): the id a provider of that messenger
	// sends the contact by. Providers fill them for contacts they deliver;
	// Parse leaves them empty and Encode does not write them.
	Accounts map[string]string
}

// Messengers, the keys of Card.Accounts.
const (
	// MessengerMAX: the value is the contact's MAX chat id.
	MessengerMAX = "max"
	// MessengerAitu: the value is the contact's Aitu user id.
	MessengerAitu = "aitu"
	// MessengerTelegram: the value is the contact's Telegram chat id.
	MessengerTelegram = "telegram"
)

// Phone is one TEL of a card.
type Phone struct {
	// Raw is the value as written in the card, unescaped ("+7 900 123-45-67",
	// "tel:+44-7911-123456").
	Raw string

	// Number is the number as international digits without "+", the form
	// providers accept ("79001234567"). It is empty when the value could not
	// be normalized; Err then says why.
	Number string

	// Region is the region of Number (ISO 3166: "RU", "KZ", "CA"; "001" for
	// the numbers of no country, such as +800), and RegionFrom is the
	// evidence that decided which region's numbering Raw was read in: its
	// own country code, its WhatsApp id, its tel: URI's phone-context, the
	// card's address, the card's other numbers, or the default region. Both
	// are empty when Number is. A number read in a region's numbering may be
	// another region's number that shares its calling code: "8 (701)
	// 123-45-67" read in RU is the Kazakh +7 701 123 45 67, of region KZ.
	Region     string
	RegionFrom Evidence

	// WAID is the WhatsApp id of a WhatsApp-made card (the waid parameter),
	// or empty. When it is set, Number is taken from it.
	WAID string

	// Types are the TYPE values in lower case ("cell", "home", "work",
	// "voice", "fax", …), without "pref", which sets Preferred instead.
	Types []string

	// Label is the custom label of a grouped TEL (item1.X-ABLabel). Apple's
	// built-in labels such as "_$!<Mobile>!$_" read "Mobile".
	Label string

	// Preferred is set by TYPE=pref, a bare PREF (vCard 2.1) or PREF=n (4.0).
	Preferred bool

	// Err is nil when Number is set; otherwise it says why the value was
	// rejected, and errors.Is(Err, ErrInvalidPhone) or
	// errors.Is(Err, ErrPhoneLength) tells the kind. It is a *PhoneError.
	Err error
}

// PrimaryPhone returns the phone a provider send should use: the preferred
// phone with a normalized number, else the first phone with one. It reports
// false when no phone of the card could be normalized.
func (c Card) PrimaryPhone() (Phone, bool) {
	first := -1
	for i, p := range c.Phones {
		if p.Number == "" {
			continue
		}
		if p.Preferred {
			return p, true
		}
		if first < 0 {
			first = i
		}
	}
	if first < 0 {
		return Phone{}, false
	}
	return c.Phones[first], true
}

// HasType reports whether t is among the phone's types, ignoring case.
func (p Phone) HasType(t string) bool {
	for _, have := range p.Types {
		if equalFoldASCII(have, t) {
			return true
		}
	}
	return false
}
