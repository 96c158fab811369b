package cardbottest_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
)

func TestProviderRecords(t *testing.T) {
	p := cardbottest.NewProvider("")
	assert.Equal(t, cardbottest.DefaultProvider, p.Name())
	assert.Equal(t, "alpha", cardbottest.NewProvider("alpha").Name())

	m, err := p.Send(t.Context(), "c1", cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	assert.Equal(t, "sent-c1", m.ID)
	_, err = p.Send(t.Context(), "c2", cardbot.File{Name: "a.txt", Data: []byte("x"), Caption: "a file"})
	require.NoError(t, err)
	_, err = p.Send(t.Context(), "c2", cardbot.Contact{})
	require.NoError(t, err)

	assert.Equal(t, []cardbottest.Sent{
		{Chat: "c1", Out: cardbot.Text{Body: "hi"}},
		{Chat: "c2", Out: cardbot.File{Name: "a.txt", Data: []byte("x"), Caption: "a file"}},
		{Chat: "c2", Out: cardbot.Contact{}},
	}, p.Sent())
	assert.Equal(t, []string{"hi", "a file", ""}, p.Texts())
	assert.Equal(t, 3, p.Attempts())

	p.Reset()
	assert.Empty(t, p.Sent())
	assert.Zero(t, p.Attempts())
}

func TestZeroProvider(t *testing.T) {
	var p cardbottest.Provider
	assert.Equal(t, cardbottest.DefaultProvider, p.Name())
	p.AddFile("a.txt", "a")
	_, err := p.Send(t.Context(), "c", cardbot.Text{Body: "x"})
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, p.Texts())
}

func TestProviderFails(t *testing.T) {
	down := errors.New("down")
	tests := []struct {
		name      string
		setup     func(p *cardbottest.Provider)
		ok        int // sends that succeed out of 4
		retryable bool
	}{
		{"no failure", func(*cardbottest.Provider) {}, 4, false},
		{"every send", func(p *cardbottest.Provider) { p.FailSends(down) }, 0, false},
		{"retryable", func(p *cardbottest.Provider) { p.FailSends(cardbot.Retryable(down)) }, 0, true},
		{"after 2", func(p *cardbottest.Provider) { p.FailAfter(2, down) }, 2, false},
		{"after 0", func(p *cardbottest.Provider) { p.FailAfter(0, down) }, 0, false},
		{"undone", func(p *cardbottest.Provider) {
			p.FailSends(down)
			p.FailAfter(1, down)
			p.FailSends(nil)
			p.FailAfter(0, nil)
		}, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cardbottest.NewProvider("")
			tt.setup(p)
			for i := range 4 {
				_, err := p.Send(t.Context(), "c", cardbot.Text{Body: "x"})
				if i < tt.ok {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, down)
				assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			}
			assert.Len(t, p.Sent(), tt.ok, "failed sends are not recorded")
			assert.Equal(t, 4, p.Attempts())
		})
	}
}

func TestProviderHook(t *testing.T) {
	p := cardbottest.NewProvider("")
	refused := errors.New("refused")
	var chats []string
	p.OnSend(func(ctx context.Context, chat string, _ cardbot.Outgoing) error {
		chats = append(chats, chat)
		if chat == "down" {
			return refused
		}
		return ctx.Err()
	})
	_, err := p.Send(t.Context(), "down", cardbot.Text{Body: "x"})
	require.ErrorIs(t, err, refused)
	_, err = p.Send(t.Context(), "up", cardbot.Text{Body: "y"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = p.Send(ctx, "up", cardbot.Text{Body: "z"})
	require.ErrorIs(t, err, context.Canceled)

	assert.Equal(t, []string{"down", "up", "up"}, chats)
	assert.Equal(t, []string{"y"}, p.Texts())
	assert.Equal(t, 1, p.Attempts(), "a send the hook refused does not reach the provider")

	p.OnSend(nil)
	_, err = p.Send(t.Context(), "down", cardbot.Text{Body: "w"})
	require.NoError(t, err)
}

func TestProviderOptionalInterfaces(t *testing.T) {
	p := cardbottest.NewProvider("")
	assert.Empty(t, p.DefaultRegion())
	assert.Zero(t, p.MaxFileSize())
	assert.Zero(t, p.TextLimit())
	p.SetRegion("KZ")
	p.SetMaxFileSize(10)
	p.SetTextLimit(cardbot.TextLimit{Max: 5})
	assert.Equal(t, "KZ", p.DefaultRegion())
	assert.Equal(t, int64(10), p.MaxFileSize())
	assert.Equal(t, cardbot.TextLimit{Max: 5}, p.TextLimit())

	p.AddFile("a.vcf", "BEGIN:VCARD")
	rc, err := p.Download(t.Context(), cardbot.Document{FileName: "a.vcf"})
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, "BEGIN:VCARD", string(data))
	_, err = p.Download(t.Context(), cardbot.Document{FileName: "missing.vcf"})
	require.ErrorContains(t, err, `no file "missing.vcf"`)
	assert.Equal(t, 2, p.Downloads())

	only := p.SendOnly()
	assert.Equal(t, p.Name(), only.Name())
	for name, ok := range map[string]bool{
		"Downloader":   implements[cardbot.Downloader](only),
		"RegionHinter": implements[cardbot.RegionHinter](only),
		"FileLimiter":  implements[cardbot.FileLimiter](only),
		"TextLimiter":  implements[cardbot.TextLimiter](only),
	} {
		assert.False(t, ok, name)
	}
	_, err = only.Send(t.Context(), "c", cardbot.Text{Body: "through"})
	require.NoError(t, err)
	assert.Equal(t, []string{"through"}, p.Texts())
}

func implements[I any](v any) bool {
	_, ok := v.(I)
	return ok
}

func TestProviderIsSafeForConcurrentUse(t *testing.T) {
	p := cardbottest.NewProvider("")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				_, _ = p.Send(context.Background(), "c", cardbot.Text{Body: "x"})
				_ = p.Sent()
				p.SetRegion("KZ")
				_ = p.DefaultRegion()
			}
		})
	}
	wg.Wait()
	assert.Len(t, p.Sent(), 400)
}

func TestInstance(t *testing.T) {
	i := cardbottest.NewInstance("greenapi", cardbot.InstanceStatus{Provider: "greenapi", Ready: true})
	assert.Equal(t, "greenapi", i.Name())
	assert.True(t, i.InstanceStatus().Ready)
	i.SetInstanceStatus(cardbot.InstanceStatus{Provider: "greenapi", State: "notAuthorized"})
	assert.Equal(t, cardbot.InstanceStatus{Provider: "greenapi", State: "notAuthorized"}, i.InstanceStatus())
	_, err := i.Send(t.Context(), "c", cardbot.Text{Body: "x"})
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, i.Texts(), "it sends as a Provider")
	assert.False(t, implements[cardbot.InstanceReporter](i.Provider), "a bare Provider reports no instance")
}

func TestDiscard(t *testing.T) {
	assert.Equal(t, cardbottest.DefaultProvider, cardbottest.Discard("").Name())
	d := cardbottest.Discard("bench")
	assert.Equal(t, "bench", d.Name())
	allocs := testing.AllocsPerRun(100, func() {
		m, err := d.Send(context.Background(), "c", cardbot.Text{Body: "x"})
		if err != nil || m.ID != "sent" {
			t.Fatal(m, err)
		}
	})
	assert.Zero(t, allocs)
}
