package aitu_test

import "testing"

func BenchmarkDecodeWebhookContact(b *testing.B) {
	c := decoder(b)
	body := fixture(b, "message_contacts.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DecodeWebhook(body); err != nil {
			b.Fatal(err)
		}
	}
}
