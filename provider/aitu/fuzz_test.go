package aitu_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
)

// FuzzDecodeWebhook checks that no body makes DecodeWebhook panic, and that
// it returns either an error that wraps cardbot.ErrMalformedUpdate or the
// updates of the batch, each with its Raw JSON, and a Message on every
// KindMessage. A batch is empty only when its "updates" holds no object
// (the documented empty batch: no updates, no error).
func FuzzDecodeWebhook(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"updates":null}`, `{"updates":[null,null]}`, `{"updates":{}}`,
		`{"updates":[1]}`, `{"updates":[{}]}`, `{"updates":[{"type":"Message"}]}`,
		`{"updates":[{"type":"Message","dialog":{"type":"USER","id":"x"},"media":[{"type":"Document"}]}]}`,
		`{"updates":[{"type":"MessageIdAssigned","localId":"L1","id":"M1"}]}`,
		`{"updates":[{"type":"Message","dialog":{"type":"USER","id":"x"},"media":[{"type":"RegisteredContact"}]}]}`,
	} {
		f.Add([]byte(s))
	}
	c, err := aitu.New(aitu.Config{Token: "fuzz-token-0123456789", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ups, err := c.DecodeWebhook(body)
		if err != nil {
			if !errors.Is(err, cardbot.ErrMalformedUpdate) {
				t.Fatalf("error does not wrap ErrMalformedUpdate: %v", err)
			}
			if ups != nil {
				t.Fatalf("updates and an error: %v", err)
			}
			return
		}
		if len(ups) == 0 && objects(t, body) != 0 {
			t.Fatal("no updates and no error for a batch with updates")
		}
		if len(ups) != objects(t, body) {
			t.Fatalf("%d updates for %d elements", len(ups), objects(t, body))
		}
		for i, u := range ups {
			if len(u.Raw) == 0 {
				t.Fatalf("update %d has no Raw", i)
			}
			if u.Kind == cardbot.KindMessage && u.Message == nil {
				t.Fatalf("update %d is a message without a Message", i)
			}
			if u.Kind == cardbot.KindStatus && u.Status == nil {
				t.Fatalf("update %d is a status without a Status", i)
			}
		}
	})
}

// objects counts the elements of a well-formed batch that are not null.
func objects(t *testing.T, body []byte) int {
	var env struct {
		Updates []json.RawMessage `json:"updates"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("DecodeWebhook accepted a body encoding/json refuses: %v", err)
	}
	n := 0
	for _, e := range env.Updates {
		if !bytes.Equal(bytes.TrimSpace(e), []byte("null")) {
			n++
		}
	}
	return n
}
