package providertest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cardbot/cardbot"
)

// AtLeastOne is what a count of FuzzDecode answers for a body that gives
// one update or more.
const AtLeastOne = -1

// FuzzDecode fuzzes a provider's DecodeWebhook, seeded with the files
// testdata/*.json and seeds: no body makes it panic, and it returns
// either an error that wraps cardbot.ErrMalformedUpdate (or
// cardbot.ErrMisrouted: a body meant for another instance) and no updates,
// or the updates count says the body holds (or AtLeastOne), each with its
// Raw JSON, a Message on every KindMessage and a Status on every
// KindStatus.
func FuzzDecode(f *testing.F, decode func([]byte) ([]cardbot.Update, error), count func(t *testing.T, body []byte) int, seeds ...string) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ups, err := decode(body)
		if err != nil {
			if !errors.Is(err, cardbot.ErrMalformedUpdate) && !errors.Is(err, cardbot.ErrMisrouted) {
				t.Fatalf("error wraps neither ErrMalformedUpdate nor ErrMisrouted: %v", err)
			}
			if ups != nil {
				t.Fatalf("updates and an error: %v", err)
			}
			return
		}
		switch n := count(t, body); {
		case n == AtLeastOne && len(ups) == 0:
			t.Fatal("no updates and no error")
		case n != AtLeastOne && len(ups) != n:
			t.Fatalf("%d updates for %d elements", len(ups), n)
		}
		for i, u := range ups {
			switch {
			case len(u.Raw) == 0:
				t.Fatalf("update %d has no Raw", i)
			case u.Kind == cardbot.KindMessage && u.Message == nil:
				t.Fatalf("update %d is a message without a Message", i)
			case u.Kind == cardbot.KindStatus && u.Status == nil:
				t.Fatalf("update %d is a status without a Status", i)
			}
		}
	})
}

// BenchmarkDecode times decode on body, reporting bytes and allocations.
func BenchmarkDecode(b *testing.B, decode func([]byte) ([]cardbot.Update, error), body []byte) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
