package aitu_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/providertest"
)

// FuzzDecodeWebhook checks that no body makes DecodeWebhook panic, and that
// it returns either an error that wraps cardbot.ErrMalformedUpdate or the
// updates of the batch, one per element that is not null (none for the
// documented empty batch), each with its Raw JSON, a Message on every
// KindMessage and a Status on every KindStatus.
func FuzzDecodeWebhook(f *testing.F) {
	c, err := aitu.New(aitu.Config{Token: "fuzz-token-0123456789", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	providertest.FuzzDecode(f, c.DecodeWebhook, objects,
		``, `{}`, `[]`, `null`, `{"updates":null}`, `{"updates":[null,null]}`, `{"updates":{}}`,
		`{"updates":[1]}`, `{"updates":[{}]}`, `{"updates":[{"type":"Message"}]}`,
		`{"updates":[{"type":"Message","dialog":{"type":"USER","id":"x"},"media":[{"type":"Document"}]}]}`,
		`{"updates":[{"type":"MessageIdAssigned","localId":"L1","id":"M1"}]}`,
		`{"updates":[{"type":"Message","dialog":{"type":"USER","id":"x"},"media":[{"type":"RegisteredContact"}]}]}`,
	)
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
