// Package contactcard reads the contact cards (vCards) that people share in
// messengers and upload as .vcf files, turns their phone numbers into the
// international digits that messaging providers accept, and writes cards
// back as vCard text.
//
// # Reading
//
// Parse and Parser.Parse read what real phones and programs export, not only
// what the RFCs allow:
//
//   - vCard 2.1 (Android, Outlook, feature phones), 3.0 (iOS, macOS, Google,
//     WhatsApp) and 4.0, any number of cards per input, with text before,
//     between and after them;
//   - UTF-8 with or without BOM, UTF-16 LE or BE, and legacy charsets named
//     by CHARSET parameters (windows-1251, KOI8-R, Shift_JIS, any WHATWG
//     label). A value that is not valid UTF-8 and names no charset of its
//     own is read in the charset its card names on another property, kept
//     or not (Outlook writes "N:M\xFCller" and a LABEL with
//     CHARSET=Windows-1252 in one card), wherever in the card that is; when
//     the card names several, the first one wins, and UTF-8 or a charset
//     unknown to WHATWG does not count. A card that names none is read in
//     the fallback charset, windows-1251 by default. Valid UTF-8 without a
//     CHARSET is read as UTF-8;
//   - CRLF, LF, bare CR and CR CR LF line ends, folded lines, whitespace-only
//     lines, QUOTED-PRINTABLE values with soft line breaks (ENCODING=… or a
//     bare token), bare 2.1 parameters (TEL;CELL;PREF), base64 blocks ended
//     by a blank line, lower-case names, spaces after BEGIN:VCARD, BEGIN
//     and END lines indented or with a group ("item.BEGIN:VCARD");
//   - grouped properties (item1.TEL with item1.X-ABLabel; several groups,
//     "A.B.TEL", as vCard 2.1 allows), WhatsApp's waid
//     parameter, TYPE=pref, PREF=1, tel: URIs, escaped structured values
//     ("N:O\;Brien;Pat" is the last name "O;Brien");
//   - a truncated last card (what was read is kept) and cards nested in a
//     card (vCard 2.1 AGENT, or RFC 2426's AGENT whose value is the agent's
//     card escaped into one line), which are returned as cards of their own
//     after the card they are in.
//
// A Card keeps the names (FN, N), the company (ORG), the title, the phones
// and the e-mail addresses. Photos, logos, sounds and keys are skipped
// without being decoded, and so is every other property. Their values may
// hold raw binary bytes, NUL, CR and LF included (kcontacts writes a photo's
// raw bytes in vCard 2.1): the bytes of such a value, and any line of its
// card after it that holds a NUL byte, are skipped as part of it, and the
// rest of the card is read. Time and memory
// grow linearly with the input, whatever its folding; the input is capped
// (4 MiB by default) and so is the number of phones normalized per input.
//
// # Numbers
//
// Every phone is normalized as Normalize describes: cleaned of invisible
// characters, labels and extensions, read in the right region, required to
// be a valid number, and held to the providers' length rule of 11–12
// digits (Parser.MinDigits and MaxDigits change it). A phone that fails
// keeps its Raw value and says why in Err: what was read, in which region,
// and why it is no number there. Card.PrimaryPhone picks the number to
// send.
//
// A number is never guessed. Digits that are no number of the region they
// are read in are not tried as an international number: most digits are a
// valid number somewhere (the Chinese mobile "13866192019" is a valid +1
// number in Florida), and a wrong number rings a stranger. A phone's Region
// and RegionFrom say which region's number it is and what decided it, in
// this order of evidence:
//
//  1. the number's own country code: written with "+", "00" or a region's
//     international prefix, or a global tel: URI (EvidenceNumber); the
//     WhatsApp id of its TEL, whose digits are taken as they are when they
//     meet the length rule, since WhatsApp assigned them (EvidenceWAID); a
//     local tel: URI's phone-context (EvidenceContext);
//  2. the country the card's addresses state (EvidenceAddress): ADR's
//     country ("Canada", "Deutschland", "Россия", "USA", "U.S.A.", "GB",
//     "CAN", in some thirty languages), the last line of an address written
//     whole (Gmail) or of a LABEL;
//  3. where no address states a country, the address format: Apple's
//     X-ABADR, the locale of the Mac that wrote the card, which says how
//     the address is laid out, not where it is (EvidenceAddressFormat);
//  4. the regions of the card's other numbers that carry their country
//     code, and its WhatsApp ids (EvidenceCard), together with the default
//     region, Parser.Region (EvidenceDefault).
//
// A number without a country code is read in every region of the first
// kind of evidence the card offers. A country an address states is the
// only one it is read in: "905-555-1234" on a card whose address is in
// Canada is +1 905 555 1234, not the Russian +7 905 555-12-34 that the
// default region would make of it, and a number that is no valid number of
// Canada is refused there, not tried elsewhere. The other kinds are
// guesses, tried in turn until one makes a valid number of it: on a card
// with a +380 number, "044 123 4567" is the Kyiv +380 44 123 4567. When
// one kind of evidence makes two different valid numbers of it (addresses
// in two countries, a +1 number beside the default region RU), the number
// is refused: the evidence conflicts. An address country that names no
// known region ("New Testonia") is no evidence. A region's numbering may
// give another region's number of the same calling code: Region is the
// number's own ("8 (701) 123-45-67" read in RU is KZ).
//
// A guess is refused, too, when the way the number is written contradicts
// it: "416-555-0123" is grouped 3-3-4, as North America writes its numbers,
// and its digits also make the valid Russian +7 416 555-01-23, which Russia
// writes "8 (416) 555-01-23". A number of three groups or more read under
// a guess is refused with ErrAmbiguousPhone when another country's
// numbering formats group a possible number of its digits exactly as it is
// written and the guessed region's format does not (a grouping that only
// splits the format's groups further, "(067) 123-45-67" for Ukraine's "067
// 123 4567", is the region's own). The error names the countries it could
// be and asks for the number with its country code. Numbers written the
// region's way ("8 (916) 123-45-67", "916 123-45-67", "89161234567") and
// numbers with "+" are read as before.
//
// An extension is cut off only where a mark says it is one ("ext 12",
// "x12", "#12", "доб. 12", ";ext=12", a tel: URI's ";ext=12"), never at a
// spaced dash: Outlook's "+49 (0611) 123456 - 11" is the direct-dial number
// +49 611 12345611, which fails the default length rule with 13 digits.
//
// Two TELs become one Phone only when they are the same number: both
// normalize, to the same Number, with the same digits after the number (an
// extension, a pause). The first keeps its Raw and gains the other's types,
// preference, label and WAID; a number written once with "+7" and once with
// "8" is one phone. A TEL that fails is never merged, so no TEL line is
// lost: two failed TELs written alike are two phones with their own types.
//
// # Errors
//
// Parse fails only when it has no card to return:
//
//   - ErrNoCard: the input holds no BEGIN:VCARD;
//   - ErrTooLarge: the input is over the size cap; nothing of it is read;
//   - ErrNotText: the input is binary: it holds a NUL byte (outside UTF-16)
//     anywhere but in the binary value of a card's PHOTO, LOGO, SOUND, KEY
//     or base64 property, so a JPEG, PDF or zip is refused even when it
//     holds a vCard, or it holds no card and many control characters;
//   - the reader's own error, wrapped, when reading fails;
//   - an error naming the setting, when a Parser's settings are invalid.
//
// A phone's Err is a *PhoneError that wraps one of:
//
//   - ErrInvalidPhone: no digits, an unknown country code, too short or too
//     long for a number, not a valid number in the regions its evidence
//     names;
//   - ErrAmbiguousPhone (which wraps ErrInvalidPhone): evidence that
//     conflicts, or a guessed region its writing contradicts;
//     PhoneError.Regions names the countries it could be in;
//   - ErrPhoneLength: a valid number whose international digits break the
//     length rule (Singapore's 10, China's 13 for mobiles);
//   - ErrPhoneLimit: the input held more phones than Parser.MaxPhones.
//
// # Writing
//
// Encode writes cards as vCard 3.0 with CRLF line ends, escaping and
// folding at 75 octets, so that a bot can forward cards as a .vcf file.
package contactcard
