package safefetch

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		ip   string
		want class
	}{
		{"127.0.0.1", loopback},
		{"127.8.9.10", loopback},
		{"::1", loopback},
		{"0.0.0.0", loopback},
		{"0.1.2.3", loopback},
		{"::", loopback},
		{"::ffff:127.0.0.1", loopback},
		{"10.0.0.1", private},
		{"172.16.5.4", private},
		{"172.31.255.255", private},
		{"192.168.1.1", private},
		{"100.64.0.1", private},
		{"fd00::1", private},
		{"fc00::1", private},
		{"::ffff:192.168.0.1", private},
		{"169.254.169.254", linkLocal},
		{"fe80::1", linkLocal},
		{"224.0.0.1", linkLocal},
		{"ff02::1", linkLocal},
		{"239.1.2.3", multicast},
		{"ff0e::1", multicast},
		{"255.255.255.255", multicast},
		{"8.8.8.8", 0},
		{"172.32.0.1", 0},
		{"203.0.113.10", 0},
		{"2001:4860:4860::8888", 0},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			assert.Equal(t, tt.want, classOf(netip.MustParseAddr(tt.ip)))
		})
	}
}
