package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMAXLoad runs a load only on MAX through the echobot's handlers:
// texts are echoed, a shared contact is sent back by the MAX account it
// came with, and a .vcf upload's card by the account the instance's contact
// base lists for its number, in private and group chats, each message
// answered once.
func TestMAXLoad(t *testing.T) {
	cfg, err := parseFlags([]string{"-chats", "3", "-messages", "20", "-aitu", "0", "-max", "1", "-dups", "0.2"}, new(strings.Builder))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, async := range []bool{false, true} {
		t.Run(modeName(async), func(t *testing.T) {
			w, err := newWorld(FaultPlan{}, nil)
			require.NoError(t, err)
			defer w.close()
			in, err := startBot(w, async, cfg, kept{})
			require.NoError(t, err)
			chats := buildLoad(w, "load", cfg)
			w.push(ctx, in.target, chats, pushOptions{rounds: cfg.Rounds, pause: cfg.Pause})
			want := expects(chats, nil)
			require.NoError(t, in.finish(ctx, len(want)))

			replies, _ := w.rec.snapshot()
			v := Check(want, replies, true)
			assert.True(t, v.OK(), "%+v", v)
			assert.Equal(t, 60, v.Answered)
			var kinds [3]int
			for _, msgs := range chats {
				for _, m := range msgs {
					kinds[m.Kind]++
				}
			}
			require.Positive(t, kinds[kindContact])
			require.Positive(t, kinds[kindVCF])
			contacts, groups := 0, 0
			for _, s := range w.mx.SentMessages() {
				if s.Contact != nil {
					contacts++
					assert.NotEmpty(t, s.Contact.ChatID, "MAX shares a contact by its account")
				}
				if strings.HasPrefix(s.ChatID, "-") {
					groups++
				}
			}
			assert.Equal(t, kinds[kindContact]+kinds[kindVCF], contacts)
			assert.Equal(t, 20, groups, "the third chat is a group")
			assert.Zero(t, w.mx.CheckAccountCalls(), "contacts are found in the contact base")
			assert.LessOrEqual(t, w.mx.GetContactsCalls(), kinds[kindVCF], "the base is read at most once per number not in the copy")
			assert.Empty(t, w.wa.SentMessages())
			assert.Empty(t, w.ai.SentMessages())
		})
	}
}
