package fakeapi_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// testOptions is a fake's options as a fake declares them.
type testOptions struct {
	fakeapi.Options[string]
	token string
}

type testOption func(*testOptions)

func TestOptions(t *testing.T) {
	o := testOptions{Options: fakeapi.NewOptions[string](64)}
	assert.Equal(t, fakeapi.DefaultPushAttempts, o.PushAttempts)
	assert.Equal(t, fakeapi.DefaultPushInterval, o.PushInterval)
	assert.Equal(t, int64(64), o.FileCap(), "the fake's default")
	o.Sent("dropped without a hook")

	var sent []string
	fakeapi.Apply(&o, []testOption{
		func(o *testOptions) { o.token = "tok" },
		func(o *testOptions) { o.MaxFileSize = 8 },
		func(o *testOptions) { o.OnSent = func(m string) { sent = append(sent, m) } },
	})
	assert.Equal(t, "tok", o.token)
	assert.Equal(t, int64(8), o.FileCap())
	o.Sent("hi")
	assert.Equal(t, []string{"hi"}, sent)

	o.MaxFileSize = -1
	assert.Equal(t, int64(64), o.FileCap(), "not positive: the default")
}

func TestOptionsPusher(t *testing.T) {
	tests := []struct {
		name     string
		attempts int
		want     int
	}{
		{"as set", 5, 5},
		{"one at least", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fakeapi.NewOptions[string](0)
			o.PushAttempts, o.PushInterval = tt.attempts, time.Second
			p := o.Pusher("test", time.Second, func(int) bool { return true })
			defer p.Close()
			assert.Equal(t, tt.want, p.Attempts)
			assert.Equal(t, time.Second, p.Interval)
			assert.Equal(t, "test", p.Name)
		})
	}
}
