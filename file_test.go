package cardbot_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// limited is a fake provider that caps files at max bytes.
type limited struct {
	*fakeProvider
	max int64
}

func (l limited) MaxFileSize() int64 { return l.max }

// twoCards are two contacts as a phone exports them.
func twoCards(t testing.TB) []contactcard.Card {
	t.Helper()
	const vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Петров;Иван;;;\r\nFN:Иван Петров\r\nTEL;TYPE=CELL:+7 900 123-45-67\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ahmetova;Aigul;;;\r\nFN:Aigul Ahmetova\r\nORG:Kaspi\\, Almaty\r\nTEL:+7 701 765 43 21\r\nEND:VCARD\r\n"
	cards, err := contactcard.Parse(strings.NewReader(vcf))
	require.NoError(t, err)
	require.Len(t, cards, 2)
	return cards
}

// sameContacts compares what a .vcf round trip keeps: names, company,
// numbers.
func sameContacts(t testing.TB, want, got []contactcard.Card) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].FormattedName, got[i].FormattedName)
		assert.Equal(t, want[i].FirstName, got[i].FirstName)
		assert.Equal(t, want[i].LastName, got[i].LastName)
		assert.Equal(t, want[i].Company, got[i].Company)
		require.Len(t, got[i].Phones, len(want[i].Phones))
		for j := range want[i].Phones {
			assert.Equal(t, want[i].Phones[j].Number, got[i].Phones[j].Number)
		}
	}
}

// TestSendFileChecks: a file the providers cannot take fails in Bot.Send
// and Context.SendFile before the provider is called, with a typed error.
func TestSendFileChecks(t *testing.T) {
	ok := cardbot.File{Name: "report.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7")}
	with := func(mod func(*cardbot.File)) cardbot.File {
		f := ok
		mod(&f)
		return f
	}
	tests := []struct {
		name string
		file cardbot.File
		want error
	}{
		{"a good file", ok, nil},
		{"exactly at the cap", with(func(f *cardbot.File) { f.Data = make([]byte, 16) }), nil},
		{"no data", with(func(f *cardbot.File) { f.Data = nil }), cardbot.ErrEmptyFile},
		{"no name", with(func(f *cardbot.File) { f.Name = "  " }), cardbot.ErrFileName},
		{"a path", with(func(f *cardbot.File) { f.Name = "../etc/passwd" }), cardbot.ErrFileName},
		{"a Windows path", with(func(f *cardbot.File) { f.Name = `C:\x.pdf` }), cardbot.ErrFileName},
		{"dot dot", with(func(f *cardbot.File) { f.Name = ".." }), cardbot.ErrFileName},
		{"a control character", with(func(f *cardbot.File) { f.Name = "a\nb.pdf" }), cardbot.ErrFileName},
		{"not UTF-8", with(func(f *cardbot.File) { f.Name = "\xff.pdf" }), cardbot.ErrFileName},
		{"a name too long", with(func(f *cardbot.File) { f.Name = strings.Repeat("я", 128) + ".pdf" }), cardbot.ErrFileName},
		{"a bad content type", with(func(f *cardbot.File) { f.ContentType = "pdf please" }), cardbot.ErrContentType},
		{"a content type without subtype", with(func(f *cardbot.File) { f.ContentType = "text" }), cardbot.ErrContentType},
		{"a content type with parameters", with(func(f *cardbot.File) { f.ContentType = "text/plain; charset=utf-8" }), nil},
		{"over the cap", with(func(f *cardbot.File) { f.Data = make([]byte, 17) }), cardbot.ErrFileTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, via := range []string{"Bot.Send", "Context.SendFile"} {
				p := limited{newFake("files"), 16}
				b := newBot()
				require.NoError(t, b.AddProvider(p))
				var err error
				if via == "Bot.Send" {
					_, err = b.Send(t.Context(), "files", "chat", tt.file)
				} else {
					u := textUpdate("chat", "hi")
					err = cardbot.NewContext(t.Context(), b, p, &u).SendFile(tt.file)
				}
				if tt.want == nil {
					require.NoError(t, err, via)
					require.Len(t, p.Sent(), 1, via)
					assert.Equal(t, tt.file, p.Sent()[0].Out, via)
					continue
				}
				require.ErrorIs(t, err, tt.want, via)
				assert.Empty(t, p.Sent(), "%s: nothing reaches the provider", via)
			}
		})
	}
}

// TestFileTooLargeError: the error says the size and the cap.
func TestFileTooLargeError(t *testing.T) {
	p := limited{newFake("files"), 4}
	b := newBot()
	require.NoError(t, b.AddProvider(p))
	_, err := b.Send(t.Context(), "files", "chat", cardbot.File{Name: "a.txt", Data: []byte("hello")})
	var e *cardbot.FileTooLargeError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, cardbot.FileTooLargeError{Name: "a.txt", Size: 5, Limit: 4}, *e)
	assert.Equal(t, `cardbot: file "a.txt" of 5 bytes is over the cap of 4 bytes`, err.Error())
	assert.False(t, cardbot.IsRetryable(err))
}

// TestNoCapWithoutFileLimiter: a provider that is no FileLimiter gets any
// size.
func TestNoCapWithoutFileLimiter(t *testing.T) {
	p := newFake("files")
	b := newBot()
	require.NoError(t, b.AddProvider(p))
	_, err := b.Send(t.Context(), "files", "chat", cardbot.File{Name: "big.bin", Data: make([]byte, 1<<20)})
	require.NoError(t, err)
	assert.Len(t, p.Sent(), 1)
}

func TestFileMediaType(t *testing.T) {
	tests := []struct {
		name string
		file cardbot.File
		want string
	}{
		{"set", cardbot.File{Name: "a.pdf", ContentType: " text/csv "}, "text/csv"},
		{"by extension", cardbot.File{Name: "a.pdf"}, "application/pdf"},
		{"unknown extension", cardbot.File{Name: "a.zzzunknown"}, "application/octet-stream"},
		{"no extension", cardbot.File{Name: "README"}, "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.file.MediaType())
		})
	}
}

// TestVCardFile: the cards go out as one vCard 3.0 file that parses back
// to the same contacts.
func TestVCardFile(t *testing.T) {
	cards := twoCards(t)
	tests := []struct {
		name, give, want string
	}{
		{"a .vcf name", "friends.vcf", "friends.vcf"},
		{"a .VCARD name", "Friends.VCARD", "Friends.VCARD"},
		{"no extension", "friends", "friends.vcf"},
		{"another extension", "friends.txt", "friends.txt.vcf"},
		{"empty", " ", cardbot.DefaultVCardName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := cardbot.VCardFile(tt.give, cards)
			require.NoError(t, err)
			assert.Equal(t, tt.want, f.Name)
			assert.Equal(t, "text/vcard", f.ContentType)
			assert.True(t, bytes.HasPrefix(f.Data, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\n")), "%q", f.Data)
			got, err := contactcard.Parse(bytes.NewReader(f.Data))
			require.NoError(t, err)
			sameContacts(t, cards, got)
		})
	}
	t.Run("no cards", func(t *testing.T) {
		_, err := cardbot.VCardFile("x.vcf", nil)
		require.ErrorIs(t, err, cardbot.ErrEmptyFile)
	})
}

// TestContextSendVCard: a handler sends the contacts it got back as one
// .vcf; without cards nothing is sent.
func TestContextSendVCard(t *testing.T) {
	cards := twoCards(t)
	p := newFake("files")
	u := textUpdate("chat-1", "/export")
	c := cardbot.NewContext(context.Background(), nil, p, &u)

	require.ErrorIs(t, c.SendVCard("none"), cardbot.ErrEmptyFile)
	assert.Empty(t, p.Sent())

	require.NoError(t, c.SendVCard("export", cards...))
	sent := p.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, "chat-1", sent[0].Chat)
	f, ok := sent[0].Out.(cardbot.File)
	require.True(t, ok, "%T", sent[0].Out)
	assert.Equal(t, "export.vcf", f.Name)
	got, err := contactcard.Parse(bytes.NewReader(f.Data))
	require.NoError(t, err)
	sameContacts(t, cards, got)
}
