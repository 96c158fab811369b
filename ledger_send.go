package cardbot

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"log/slog"
	"slices"
	"strconv"
	"sync"
)

// sendLog is what one handling knows of its update's send ledger: the
// records loaded at its first send, and the position of its next send.
type sendLog struct {
	mu      sync.Mutex
	loaded  bool
	records map[string][]byte // by slot
	next    int               // the position of the next send without a key
	dirty   bool              // the update has records: loaded, or made now
}

// ledgerRecord is a completed send as the ledger keeps it: what was sent
// (a fingerprint) and what the provider answered.
type ledgerRecord struct {
	Print string          `json:"f"`
	ID    string          `json:"id,omitempty"`
	Raw   json.RawMessage `json:"raw,omitempty"`
}

// SendKeyed sends out to the update's chat, as SendOutgoing does, under a
// key the handler gives: when an earlier handling of the same update
// completed a send of that key, it is not made again, and its recorded
// result is returned, whatever out is now. A key names one send of the
// handling; sends with a key take no position among those without one.
// An empty key is SendOutgoing's positional naming.
func (c *Context) SendKeyed(key string, out Outgoing) (SentMessage, error) {
	if c.provider == nil {
		return SentMessage{}, fmt.Errorf("cardbot: Context has no provider")
	}
	if c.update.Chat.ID == "" {
		return SentMessage{}, ErrNoChat
	}
	return c.sendLedgered(key, out)
}

// sendLedgered makes a send through the update's send ledger: a send
// that an earlier handling of the update completed is skipped and its
// result returned; a send made now is recorded once the provider took
// it.
func (c *Context) sendLedgered(key string, out Outgoing) (SentMessage, error) {
	ctx, done, err := c.sendContext()
	if err != nil {
		return SentMessage{}, err
	}
	defer done()
	b := c.bot
	var upd string
	if b != nil && b.ledger != nil {
		upd = ledgerKey(c.update)
	}
	if upd == "" {
		return b.send(ctx, c.provider, c.update.Chat.ID, out)
	}
	lg := &c.sends
	lg.mu.Lock()
	var slot string
	if key != "" {
		slot = "k:" + key
	} else {
		slot = "p:" + strconv.Itoa(lg.next)
		lg.next++
	}
	if !lg.loaded {
		recs, err := b.ledger.Sends(c.ctx, upd)
		if err != nil {
			lg.mu.Unlock()
			// Without the records the bot cannot tell a send made
			// before from a new one: the update is tried again later.
			return SentMessage{}, Retryable(fmt.Errorf("cardbot: send ledger: %w", err))
		}
		if recs == nil {
			recs = make(map[string][]byte)
		}
		lg.records, lg.loaded, lg.dirty = recs, true, len(recs) > 0
	}
	print := fingerprint(c.update.Chat.ID, out)
	if data, ok := lg.records[slot]; ok {
		var rec ledgerRecord
		if json.Unmarshal(data, &rec) == nil && (key != "" || rec.Print == print) {
			lg.mu.Unlock()
			b.logger.LogAttrs(c.ctx, slog.LevelDebug, "cardbot: send skipped: an earlier handling of the update made it",
				slog.String("provider", c.update.Provider), slog.String("chat", c.update.Chat.ID), slog.String("slot", slot))
			return SentMessage{ID: rec.ID, Raw: rec.Raw}, nil
		}
	}
	lg.mu.Unlock()

	m, err := b.send(ctx, c.provider, c.update.Chat.ID, out)
	if err != nil {
		return m, err
	}
	data, err := json.Marshal(ledgerRecord{Print: print, ID: m.ID, Raw: validRaw(m.Raw)})
	if err == nil {
		// The send is made: its record must be written even when the
		// handling's context ends now.
		err = b.ledger.Record(context.WithoutCancel(c.ctx), upd, slot, data, b.ledgerTTL)
	}
	if err != nil {
		b.logger.LogAttrs(c.ctx, slog.LevelWarn, "cardbot: send ledger: recording a send failed; a retry of the update makes it again",
			slog.String("provider", c.update.Provider), slog.String("chat", c.update.Chat.ID), slog.Any("error", err))
		return m, nil
	}
	lg.mu.Lock()
	lg.records[slot] = data
	lg.dirty = true
	lg.mu.Unlock()
	return m, nil
}

// recordedSends reports whether the handling's update has records in the
// ledger, which its end for good should forget.
func (c *Context) recordedSends() bool {
	c.sends.mu.Lock()
	defer c.sends.mu.Unlock()
	return c.sends.dirty
}

// validRaw returns raw when it is JSON the record can hold, else nil.
func validRaw(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || !json.Valid(raw) {
		return nil
	}
	return raw
}

// fingerprint names what a send sends, so that a handling that sends
// something else at the same position than the one before is not taken
// for a repeat of it.
func fingerprint(chat string, out Outgoing) string {
	h := sha256.New()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	field(methodOf(out))
	field(chat)
	switch o := out.(type) {
	case Text:
		field(o.Body)
		field(o.ReplyTo)
	case Contact:
		printCard(field, o)
	case File:
		field(o.Name)
		field(o.ContentType)
		field(o.Caption)
		field(o.ReplyTo)
		writeData(h, o.Data)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// printCard adds what a provider sends of a contact to a fingerprint.
func printCard(field func(string), o Contact) {
	c := o.Card
	for _, s := range []string{o.ReplyTo, c.FormattedName, c.FirstName, c.MiddleName, c.LastName, c.Company} {
		field(s)
	}
	for _, p := range c.Phones {
		field(p.Number)
	}
	keys := make([]string, 0, len(c.Accounts))
	for k := range c.Accounts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field(k)
		field(c.Accounts[k])
	}
}

// writeData adds a file's data, by length and content, to a fingerprint.
func writeData(h hash.Hash, data []byte) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(data)))])
	h.Write(data)
}
