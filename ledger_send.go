package cardbot

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
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
	upd     string            // the update's key in the ledger, once made
}

// A completed send as the ledger keeps it: what was sent (its
// fingerprint, printSize bytes), then what the provider answered: the
// message id as a length (uvarint) and its bytes, then the raw answer.
const printSize = 16

// encodeRecord writes a record.
func encodeRecord(print [printSize]byte, m SentMessage) []byte {
	b := make([]byte, 0, printSize+binary.MaxVarintLen32+len(m.ID)+len(m.Raw))
	b = append(b, print[:]...)
	b = binary.AppendUvarint(b, uint64(len(m.ID)))
	b = append(b, m.ID...)
	return append(b, m.Raw...)
}

// decodeRecord reads a record; false when it does not decode.
func decodeRecord(b []byte) (print [printSize]byte, m SentMessage, ok bool) {
	if len(b) < printSize {
		return print, m, false
	}
	copy(print[:], b)
	b = b[printSize:]
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return print, m, false
	}
	m.ID = string(b[w : w+int(n)])
	if raw := b[w+int(n):]; len(raw) > 0 && json.Valid(raw) {
		m.Raw = json.RawMessage(raw)
	}
	return print, m, true
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
	if err := c.countSend(); err != nil {
		return SentMessage{}, err
	}
	ctx, done, err := c.sendContext()
	if err != nil {
		return SentMessage{}, err
	}
	defer done()
	b := c.bot
	if b == nil || b.ledger == nil || c.update.Key == "" {
		return b.send(ctx, c.provider, c.update.Chat.ID, out)
	}
	lg := &c.sends
	lg.mu.Lock()
	if lg.upd == "" {
		lg.upd = ledgerKey(c.update)
	}
	upd := lg.upd
	var slot string
	if key != "" {
		slot = "k:" + key
	} else {
		slot = positionSlot(lg.next)
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
		lg.records, lg.loaded, lg.dirty = recs, true, len(recs) > 0
	}
	print := fingerprint(c.update.Chat.ID, out)
	if data, ok := lg.records[slot]; ok {
		if was, m, ok := decodeRecord(data); ok && (key != "" || was == print) {
			lg.mu.Unlock()
			b.logger.LogAttrs(c.ctx, slog.LevelDebug, "cardbot: send skipped: an earlier handling of the update made it",
				slog.String("provider", c.update.Provider), slog.String("chat", c.update.Chat.ID), slog.String("slot", slot))
			return m, nil
		}
	}
	lg.mu.Unlock()

	m, err := b.send(ctx, c.provider, c.update.Chat.ID, out)
	if err != nil {
		return m, err
	}
	data := encodeRecord(print, m)
	// The send is made: its record must be written even when the
	// handling's context ends now.
	if err := b.ledger.Record(context.WithoutCancel(c.ctx), upd, slot, data, b.ledgerTTL); err != nil {
		b.logger.LogAttrs(c.ctx, slog.LevelWarn, "cardbot: send ledger: recording a send failed; a retry of the update makes it again",
			slog.String("provider", c.update.Provider), slog.String("chat", c.update.Chat.ID), slog.Any("error", err))
		return m, nil
	}
	lg.mu.Lock()
	if lg.records == nil {
		lg.records = make(map[string][]byte, 1)
	}
	lg.records[slot] = data
	lg.dirty = true
	lg.mu.Unlock()
	return m, nil
}

// recordedSends returns the ledger key of the handling's update when it
// has records in the ledger, which its end for good should forget, else
// "".
func (c *Context) recordedSends() string {
	c.sends.mu.Lock()
	defer c.sends.mu.Unlock()
	if !c.sends.dirty {
		return ""
	}
	return c.sends.upd
}

// fingerprint names what a send sends, so that a handling that sends
// something else at the same position than the one before is not taken
// for a repeat of it: the first bytes of the SHA-256 of the method, the
// chat and the content, each field prefixed by its length.
func fingerprint(chat string, out Outgoing) [printSize]byte {
	var stack [256]byte
	buf := stack[:0]
	field := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
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
		sum := sha256.Sum256(o.Data)
		field(string(sum[:]))
	}
	sum := sha256.Sum256(buf)
	var p [printSize]byte
	copy(p[:], sum[:])
	return p
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

// positionSlot names the slot of the n-th send of a handling.
func positionSlot(n int) string {
	if n < len(firstSlots) {
		return firstSlots[n]
	}
	return "p:" + strconv.Itoa(n)
}

// firstSlots are the names of the first positions, made once.
var firstSlots = [...]string{"p:0", "p:1", "p:2", "p:3", "p:4", "p:5", "p:6", "p:7"}
