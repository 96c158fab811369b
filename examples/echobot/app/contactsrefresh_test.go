package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadConfigContactsRefresh(t *testing.T) {
	tests := []struct {
		env  string
		want time.Duration
		err  bool
	}{
		{env: "", want: 0},
		{env: "5s", want: 5 * time.Second},
		{env: "1ms", want: time.Millisecond},
		{env: "0s", err: true},
		{env: "-1s", err: true},
		{env: "soon", err: true},
	}
	for _, tt := range tests {
		t.Run("MAX_CONTACTS_REFRESH="+tt.env, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return map[string]string{"MAX_CONTACTS_REFRESH": tt.env}[k] })
			if tt.err {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "MAX_CONTACTS_REFRESH")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.MAX.ContactsRefresh)
		})
	}
}
