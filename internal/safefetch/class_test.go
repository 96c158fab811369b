package safefetch

import (
	"context"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
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
		// IPv4 addresses inside IPv6 ones.
		{"64:ff9b::7f00:1", loopback},  // NAT64 of 127.0.0.1
		{"64:ff9b::10.1.2.3", private}, // NAT64 of 10.1.2.3
		{"64:ff9b::169.254.169.254", linkLocal},
		{"64:ff9b::8.8.8.8", 0},
		{"64:ff9b:1::a01:203", private}, // NAT64 local use
		{"2002:c0a8:101::1", private},   // 6to4 of 192.168.1.1
		{"2002:7f00:1::", loopback},     // 6to4 of 127.0.0.1
		{"2002:808:808::1", 0},          // 6to4 of 8.8.8.8
		{"::10.0.0.1", private},         // IPv4-compatible
		{"::169.254.169.254", linkLocal},
		{"::8.8.8.8", 0},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			assert.Equal(t, tt.want, classOf(netip.MustParseAddr(tt.ip)))
		})
	}
}

// TestClassString: the names the refusals give the classes.
func TestClassString(t *testing.T) {
	for c, want := range map[class]string{
		loopback:  "loopback or unspecified",
		private:   "private",
		linkLocal: "link-local",
		multicast: "multicast or broadcast",
		0:         "public",
	} {
		assert.Equal(t, want, c.String())
	}
}

// TestControl: the last guard, run on the socket about to connect, refuses
// what it cannot parse and a local address the API host is not in, and
// lets a public address through.
func TestControl(t *testing.T) {
	f := New(Options{APIURL: "https://api.green-api.com"})
	f.allowed.Store(resolvedBit) // the API host resolved to public addresses only
	tests := []struct {
		address string
		refused string // in the error; "" for allowed
	}{
		{"203.0.113.10:443", ""},
		{"[2001:db8::1]:443", ""},
		{"127.0.0.1:80", "127.0.0.1 is a loopback or unspecified address"},
		{"[::ffff:10.0.0.1]:80", "10.0.0.1 is a private address"},
		{"not-an-address", "cannot check the address being dialled"},
		{"example.com:80", "cannot check the address being dialled"},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			err := f.control("tcp", tt.address, nil)
			if tt.refused == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
			assert.Contains(t, err.Error(), tt.refused)
		})
	}

	// Allowed once the API host is known to be on loopback.
	f.allowed.Store(resolvedBit | uint32(loopback))
	assert.NoError(t, f.control("tcp", "127.0.0.1:80", nil))
}

// TestDialBadAddress: an address without a port is refused before any
// lookup.
func TestDialBadAddress(t *testing.T) {
	lookups := 0
	f := New(Options{Resolver: resolverFunc(func(context.Context, string, string) ([]netip.Addr, error) {
		lookups++
		return nil, nil
	})})
	conn, err := f.dial(t.Context(), "tcp", "files.example.test")
	require.Error(t, err)
	assert.Nil(t, conn)
	assert.Zero(t, lookups)
}

type resolverFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

func (r resolverFunc) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return r(ctx, network, host)
}
