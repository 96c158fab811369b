package greenapi_test

import (
	"testing"
)

func BenchmarkDecodeWebhookText(b *testing.B) {
	c := decoder(b)
	body := fixture(b, "incoming_text.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DecodeWebhook(body); err != nil {
			b.Fatal(err)
		}
	}
}
