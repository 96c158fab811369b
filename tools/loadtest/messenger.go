package main

import (
	"fmt"
	"strconv"
)

// messenger is the messenger a chat of the load is on.
type messenger int

// The messengers of the load: GREEN-API's WhatsApp and MAX flavours, and
// Aitu.
const (
	onWhatsApp messenger = iota
	onMAX
	onAitu
	messengers
)

func (m messenger) String() string {
	switch m {
	case onWhatsApp:
		return "whatsapp"
	case onMAX:
		return "max"
	case onAitu:
		return "aitu"
	}
	return fmt.Sprintf("messenger(%d)", int(m))
}

// spread puts n chats on the messengers, aituShare of them on Aitu,
// maxShare on MAX and the rest on WhatsApp, evenly interleaved: each chat
// goes to the messenger furthest behind its share so far (ties to the
// lower messenger), so every prefix of the chats holds each share to
// within one chat.
func spread(n int, aituShare, maxShare float64) []messenger {
	shares := [messengers]float64{onWhatsApp: 1 - aituShare - maxShare, onMAX: maxShare, onAitu: aituShare}
	var got [messengers]int
	out := make([]messenger, n)
	for c := range out {
		best, behind := onWhatsApp, -2.0
		for m := range messengers {
			if shares[m] <= 0 {
				continue
			}
			if d := float64(c+1)*shares[m] - float64(got[m]); d > behind+1e-9 {
				best, behind = m, d
			}
		}
		got[best]++
		out[c] = best
	}
	return out
}

// maxChat is the MAX chat id of chat c of the load, and the sender in it:
// a private chat ("10000003", its own sender) or, for every third chat, a
// group ("-10000000000003", a member writing).
func maxChat(c int) (chat, sender string) {
	user := strconv.Itoa(10_000_000 + c)
	if c%3 == 2 {
		return "-" + strconv.Itoa(10_000_000_000_000+c), user
	}
	return user, ""
}

// maxPhone is the phone number of a card in message i of chat c in a
// phase's load on MAX, as international digits: unique in a run of the
// harness, so that the MAX account it resolves to names the message. It
// is a valid Russian mobile number (+7 9NN …), the only kind, with
// Belarusian ones, that MAX's checkAccount takes.
func maxPhone(phase string, n int) string {
	return fmt.Sprintf("79%02d%07d", 10+phaseCode(phase), n%10_000_000)
}

// maxAccount is the MAX account (a person's chat id) the fake's contact
// base lists for phone: a function of the number, so that a bot that
// remembers answers across runs of the harness stays right.
func maxAccount(phone string) string { return "2" + phone[2:] }

// phaseCode numbers the phases' loads, to keep their phone numbers apart.
func phaseCode(phase string) int {
	for i, p := range []string{"warmup", "bare", "floor", "load", "faults", "shut", "crash", "tput"} {
		if p == phase {
			return i
		}
	}
	return 9
}
