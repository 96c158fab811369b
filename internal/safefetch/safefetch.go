// Package safefetch downloads files whose URL came from outside the bot (a
// webhook's downloadUrl, a server's redirect) without letting that URL
// reach into the bot's own network, loop without end or hang.
//
// A Fetcher refuses URLs that are not http or https, and hosts that
// resolve to a loopback, private (RFC 1918, RFC 4193, RFC 6598),
// link-local, unspecified or multicast address, unless the provider's own
// API host is on an address of the same class: a fake provider on
// loopback in tests, or on a private network in a compose file, keeps
// working. The addresses are checked when the connection is dialled,
// after resolution, so a name that resolves to a public address when
// checked and to a private one when used (DNS rebinding) gains nothing.
// Redirects are followed a few times, each one checked; the whole download,
// body included, has a timeout. The caller caps the body's size.
//
// Errors wrap cardbot.ErrUnsafeURL, cardbot.ErrTooManyRedirects or
// cardbot.ErrDownloadTimeout, and quote no URL (GREEN-API carries its token
// in URL paths). Those of unsafe URLs, redirect loops and host names that
// do not exist (NXDOMAIN) have a method Permanent() bool that reports
// true: no retry can mend them.
package safefetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/transport"
)

// Defaults of a zero Options field.
const (
	// DefaultTimeout bounds a whole download, its body included.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxRedirects is how many redirects a download follows.
	DefaultMaxRedirects = 5
)

// Resolver looks up the addresses of a host; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a Fetcher.
type Options struct {
	// APIURL is the provider's API URL. Local addresses of the classes its
	// host resolves to are allowed; every other local address is refused.
	APIURL string

	// Base is the HTTP client whose transport settings (TLS, pools) the
	// Fetcher copies when its Transport is an *http.Transport or nil. The
	// copy dials through the Fetcher's checks and uses no proxy (a proxy
	// would hide the address the checks must see). Any other RoundTripper
	// is used as it is, behind a check of the addresses the host resolves
	// to before each request; that check cannot see DNS rebinding.
	Base *http.Client

	// Timeout bounds a whole download, body included: DefaultTimeout when
	// zero or less.
	Timeout time.Duration

	// MaxRedirects is how many redirects are followed: DefaultMaxRedirects
	// when zero, none when negative.
	MaxRedirects int

	// NoRedirects makes the Fetcher follow no redirect at all: a 3xx
	// answer is returned to the caller as it is, and nothing goes to the
	// host it points at. Downloads that carry credentials set it.
	NoRedirects bool

	// StripOnRedirect names request headers (secrets, like a token header)
	// dropped when a redirect leaves the original scheme and host.
	StripOnRedirect []string

	// Resolver resolves host names; net.DefaultResolver when nil.
	Resolver Resolver
}

// Fetcher makes safe downloads. It is safe for concurrent use.
type Fetcher struct {
	timeout      time.Duration
	maxRedirects int
	noRedirects  bool
	strip        []string
	resolver     Resolver
	apiHost      string
	client       *http.Client
	dialer       net.Dialer

	// allowed holds the local classes of the API host's addresses, with
	// resolvedBit once they are known. It is an atomic, not a field under
	// a mutex, so that no lookup ever runs while others wait on a lock.
	allowed atomic.Uint32
}

// resolvedBit marks Fetcher.allowed as known.
const resolvedBit = 1 << 8

// New returns a Fetcher for o.
func New(o Options) *Fetcher {
	f := &Fetcher{
		timeout:      o.Timeout,
		maxRedirects: o.MaxRedirects,
		noRedirects:  o.NoRedirects,
		strip:        o.StripOnRedirect,
		resolver:     o.Resolver,
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	if f.maxRedirects == 0 {
		f.maxRedirects = DefaultMaxRedirects
	} else if f.maxRedirects < 0 {
		f.maxRedirects = 0
	}
	if f.resolver == nil {
		f.resolver = net.DefaultResolver
	}
	if u, err := url.Parse(o.APIURL); err == nil {
		f.apiHost = u.Hostname()
	}
	f.dialer = net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: f.control}

	var rt http.RoundTripper
	var base http.RoundTripper
	if o.Base != nil {
		base = o.Base.Transport
	}
	switch t := base.(type) {
	case nil:
		rt = f.transport(transport.New())
	case *http.Transport:
		rt = f.transport(t)
	default:
		rt = &checkedTransport{f: f, next: t}
	}
	f.client = &http.Client{Transport: rt, CheckRedirect: f.checkRedirect}
	return f
}

func (f *Fetcher) transport(base *http.Transport) *http.Transport {
	t := base.Clone()
	t.Proxy = nil
	t.OnProxyConnectResponse = nil
	t.DialContext = f.dial
	t.DialTLSContext = nil
	//lint:ignore SA1019 a DialTLS left over from the base would be used instead of DialContext
	t.DialTLS = nil
	return t
}

// Fetch downloads rawURL: it checks the URL, then calls do with a context
// that ends with the download's timeout and the client to send the request
// with (so that the caller keeps its own retries and errors), and returns
// the body of the response do returns. Reading the body after the timeout
// fails with an error that wraps cardbot.ErrDownloadTimeout; closing it
// ends the download. The caller caps how much it reads.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, do func(context.Context, *http.Client) (*http.Response, error)) (io.ReadCloser, error) {
	if err := CheckURL(rawURL); err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeoutCause(ctx, f.timeout, errDeadline)
	resp, err := do(dctx, f.client)
	if err != nil {
		timedOut := f.timedOut(dctx)
		cancel()
		if timedOut {
			return nil, fmt.Errorf("%w: %w", f.timeoutError(), err)
		}
		return nil, err
	}
	return &body{f: f, rc: resp.Body, ctx: dctx, cancel: cancel}, nil
}

// errDeadline is the cause of a download's own timeout; it is a
// context.DeadlineExceeded.
var errDeadline error = &deadlineError{}

type deadlineError struct{}

func (*deadlineError) Error() string { return "download deadline exceeded" }
func (*deadlineError) Unwrap() error { return context.DeadlineExceeded }

func (f *Fetcher) timedOut(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errDeadline)
}

func (f *Fetcher) timeoutError() error {
	return &Error{kind: cardbot.ErrDownloadTimeout, msg: fmt.Sprintf("no complete answer within %s", f.timeout)}
}

// body is a download's body: its reads fail with ErrDownloadTimeout once
// the download's time is up, and Close ends the download.
type body struct {
	f      *Fetcher
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelFunc
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF && b.f.timedOut(b.ctx) {
		err = b.f.timeoutError()
	}
	return n, err
}

func (b *body) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}

// Error is a refused or failed download. It wraps its kind:
// cardbot.ErrUnsafeURL, cardbot.ErrTooManyRedirects or
// cardbot.ErrDownloadTimeout.
type Error struct {
	kind error
	msg  string
}

func (e *Error) Error() string { return e.kind.Error() + ": " + e.msg }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.kind }

// Permanent reports whether trying again cannot help: true for unsafe URLs
// and redirect loops, false for a timeout.
func (e *Error) Permanent() bool { return e.kind != cardbot.ErrDownloadTimeout }

func unsafeURL(format string, args ...any) error {
	return &Error{kind: cardbot.ErrUnsafeURL, msg: fmt.Sprintf(format, args...)}
}

// CheckURL returns an error that wraps cardbot.ErrUnsafeURL when rawURL is
// not an absolute http or https URL with a host. The error does not quote
// the URL.
func CheckURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return unsafeURL("the URL does not parse")
	}
	return checkURL(u)
}

func checkURL(u *url.URL) error {
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return unsafeURL("scheme %q is not http or https", shortScheme(u.Scheme))
	}
	if u.Hostname() == "" {
		return unsafeURL("the URL has no host")
	}
	return nil
}

func shortScheme(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

// checkRedirect follows at most maxRedirects redirects, to http or https
// URLs only, and drops the secret headers when one leaves the origin; with
// noRedirects, none.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if f.noRedirects {
		return http.ErrUseLastResponse
	}
	if len(via) > f.maxRedirects {
		return &Error{kind: cardbot.ErrTooManyRedirects, msg: fmt.Sprintf("stopped after %d", f.maxRedirects)}
	}
	if err := checkURL(req.URL); err != nil {
		return err
	}
	first := via[0].URL
	if !strings.EqualFold(req.URL.Scheme, first.Scheme) || !strings.EqualFold(req.URL.Host, first.Host) {
		for _, h := range f.strip {
			req.Header.Del(h)
		}
	}
	return nil
}

// class is a set of kinds of local address.
type class uint8

const (
	loopback  class = 1 << iota // 127/8, ::1, and the unspecified 0.0.0.0, ::
	private                     // RFC 1918, RFC 4193, RFC 6598 (carrier NAT)
	linkLocal                   // 169.254/16, fe80::/10, and link-local multicast
	multicast                   // other multicast, broadcast
)

var (
	sharedNAT   = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")

	// IPv6 prefixes that carry an IPv4 address a gateway or the kernel
	// may reach: NAT64's well-known prefix (RFC 6052, the IPv4 address in
	// the last 32 bits), 6to4 (RFC 3056, bits 16 to 48) and the deprecated
	// IPv4-compatible addresses (::a.b.c.d).
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	v4Compat   = netip.MustParsePrefix("::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48") // RFC 8215: local use only
)

// embeddedIPv4 returns the IPv4 address an IPv6 address carries by one of
// the prefixes above.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() || ip.Is4In6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), v4Compat.Contains(ip) && !ip.IsLoopback() && !ip.IsUnspecified():
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// classOf returns the class of ip: 0 for a public address. An IPv6
// address that carries an IPv4 address (NAT64, 6to4, IPv4-compatible) has
// the class of that address; NAT64's local-use prefix is private.
func classOf(ip netip.Addr) class {
	ip = ip.Unmap()
	if v4, ok := embeddedIPv4(ip); ok {
		ip = v4
	}
	switch {
	case nat64Local.Contains(ip):
		return private
	case ip.IsLoopback(), ip.IsUnspecified(), ip.Is4() && thisNetwork.Contains(ip):
		return loopback
	case ip.IsPrivate(), sharedNAT.Contains(ip):
		return private
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return linkLocal
	case ip.IsMulticast(), ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return multicast
	}
	return 0
}

func (c class) String() string {
	switch c {
	case loopback:
		return "loopback or unspecified"
	case private:
		return "private"
	case linkLocal:
		return "link-local"
	case multicast:
		return "multicast or broadcast"
	}
	return "public"
}

// allowedClasses returns the local classes the API host is in. A name is
// resolved until a lookup succeeds; the lookup runs under no lock, so a
// slow one delays only the download that made it, and callers that come
// meanwhile make their own. When it fails, no local address is allowed
// this time.
func (f *Fetcher) allowedClasses(ctx context.Context) class {
	if v := f.allowed.Load(); v&resolvedBit != 0 {
		return class(v)
	}
	var c class
	h := strings.ToLower(strings.TrimSuffix(f.apiHost, "."))
	switch {
	case h == "":
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		c = loopback
	default:
		ips, err := f.lookup(ctx, h)
		if err != nil {
			return 0
		}
		for _, ip := range ips {
			c |= classOf(ip)
		}
	}
	// The first answer stays: every caller then sees the same classes.
	f.allowed.CompareAndSwap(0, uint32(c)|resolvedBit)
	return class(f.allowed.Load())
}

// lookup resolves host; an IP literal is itself.
func (f *Fetcher) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.WithZone("")}, nil
	}
	ips, err := f.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		var dns *net.DNSError
		if errors.As(err, &dns) && dns.IsNotFound {
			return nil, &notFoundError{err}
		}
		return nil, err
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("safefetch: no address for %s", host)
	}
	return ips, nil
}

// notFoundError is the error of a host name that does not exist
// (NXDOMAIN): neither another attempt nor a redelivery of the webhook that
// named it will find it.
type notFoundError struct{ err error }

func (e *notFoundError) Error() string { return e.err.Error() }
func (e *notFoundError) Unwrap() error { return e.err }

// Permanent reports true: the failure is final.
func (e *notFoundError) Permanent() bool { return true }

// check refuses ip when it is local and the API host is not in its class.
func (f *Fetcher) check(ctx context.Context, ip netip.Addr) error {
	c := classOf(ip)
	if c == 0 || f.allowedClasses(ctx)&c != 0 {
		return nil
	}
	return unsafeURL("%s is a %s address", ip.Unmap(), c)
}

// dial resolves addr and checks every address: one refused refuses the
// host. Then it dials the addresses in turn, by IP: the address checked is
// the address used.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := f.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if err := f.check(ctx, ip); err != nil {
			return nil, err
		}
	}
	var errs []error
	for _, ip := range ips {
		conn, err := f.dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// control checks the address the socket is about to connect to, a last
// guard behind dial.
func (f *Fetcher) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return unsafeURL("cannot check the address being dialled")
	}
	allowed := class(f.allowed.Load())
	if c := classOf(ap.Addr()); c != 0 && allowed&c == 0 {
		return unsafeURL("%s is a %s address", ap.Addr().Unmap(), c)
	}
	return nil
}

// checkedTransport guards a RoundTripper the Fetcher cannot dial through:
// the request's host must resolve to allowed addresses only.
type checkedTransport struct {
	f    *Fetcher
	next http.RoundTripper
}

func (t *checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.check(req); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.next.RoundTrip(req)
}

func (t *checkedTransport) check(req *http.Request) error {
	if err := checkURL(req.URL); err != nil {
		return err
	}
	ips, err := t.f.lookup(req.Context(), req.URL.Hostname())
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if err := t.f.check(req.Context(), ip); err != nil {
			return err
		}
	}
	return nil
}
