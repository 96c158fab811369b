package providertest_test

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/providertest"
)

func TestResolver(t *testing.T) {
	r := providertest.Resolver()
	addrs, err := r.LookupNetIP(t.Context(), "ip", providertest.OtherHost)
	require.NoError(t, err)
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("127.0.0.1")}, addrs)

	_, err = r.LookupNetIP(t.Context(), "ip", "example.com")
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr)
	assert.True(t, dnsErr.IsNotFound, "no other name, and no DNS server asked")

	var _ providertest.HostResolver = net.DefaultResolver // what a client takes in production
}
