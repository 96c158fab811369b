package app

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// smallDisk mounts a tmpfs of size on a new directory until the test
// ends, or skips the test where that cannot be done.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs to fill needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes path until the disk is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	chunk := make([]byte, 4096)
	for range 1 << 12 { // 16 MB at most: far beyond the disk
		if _, err := f.Write(chunk); err != nil {
			require.ErrorIs(t, err, syscall.ENOSPC)
			return
		}
	}
	t.Fatal("the disk never filled")
}

// With the file store on a full disk, a webhook is answered 503 (the
// provider delivers it again), the failure is logged once with its cause,
// counted, and /readyz says why, until the disk has room again.
func TestFullDisk(t *testing.T) {
	dir := smallDisk(t, "2M") // before the bot: unmounted after it stopped
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"), greenapitest.WithPushRetry(1, 0))
	t.Cleanup(fake.Close)
	logs := &apitest.SyncBuffer{}
	base := runLogged(t, map[string]string{
		"GREENAPI_API_URL":            fake.URL,
		"GREENAPI_ID_INSTANCE":        fake.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
		"STORE":                       "file:" + filepath.Join(dir, "bot.db"),
		"DELIVERY":                    "async",
		"ADDR":                        "127.0.0.1:0",
		"METRICS_ADDR":                "127.0.0.1:0",
	}, slog.New(slog.NewTextHandler(logs, nil)))
	metrics := metricsAddr(t, logs)
	hook := base + "/webhook/greenapi"
	in := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	ctx := context.Background()
	_, err := fake.Push(ctx, hook, fake.IncomingText(in, "before"))
	require.NoError(t, err)
	require.Equal(t, 200, getReady(t, base).code)

	fill(t, filepath.Join(dir, "filler"))
	// Pages bbolt freed before are written again without room; new ones
	// need it: push until one fails.
	text := strings.Repeat("x", 2000)
	var statuses []int
	for range 500 {
		statuses, err = fake.Push(ctx, hook, fake.IncomingText(in, text))
		if err != nil {
			break
		}
	}
	require.Error(t, err, "no push failed on a full disk")
	assert.Equal(t, []int{503}, statuses, "the provider is asked to deliver it again")
	for range 3 {
		_, _ = fake.Push(ctx, hook, fake.IncomingText(in, text))
	}

	r := getReady(t, base)
	assert.Equal(t, 503, r.code)
	assert.Equal(t, "push failed: no space left on device", r.Checks["queue"])
	assert.NotContains(t, r.Checks["queue"], dir, "the path stays in the log")
	assert.Equal(t, 1, strings.Count(logs.String(), "push to the queue failed; the webhook is answered 503"), "logged at a bounded rate:\n%s", logs)
	assert.Contains(t, logs.String(), "no space left on device")
	_, body := get(t, "http://"+metrics+"/metrics")
	assert.Contains(t, body, `cardbot_queue_push_failures_total{provider="greenapi",reason="error"} 4`)

	require.NoError(t, os.Remove(filepath.Join(dir, "filler")))
	_, err = fake.Push(ctx, hook, fake.IncomingText(in, "after"))
	require.NoError(t, err, "a push succeeds once there is room")
	r = getReady(t, base)
	assert.Equal(t, 200, r.code, "%+v", r)
	assert.Contains(t, logs.String(), "the queue takes pushes again")
	require.Eventually(t, func() bool {
		texts := textsOf(greenapiReplies(fake))
		return len(texts) > 0 && texts[len(texts)-1] == "after"
	}, 5*time.Second, 10*time.Millisecond, "the update after is handled")
}
