package apiclient

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/internal/safefetch"
	"github.com/cardbot/cardbot/internal/transport"
)

// Defaults of the settings every provider's Config has.
const (
	// DefaultTimeout is the timeout of the default HTTP client.
	DefaultTimeout = 30 * time.Second
	// DefaultDownloadTimeout bounds a whole download, body included.
	DefaultDownloadTimeout = 60 * time.Second
	// DefaultMaxRetries is how many times a call is retried.
	DefaultMaxRetries = 3
	// DefaultMinBackoff and DefaultMaxBackoff bound the wait between
	// retries.
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
)

// Settings are the fields every provider's Config has, with the same
// meaning.
type Settings struct {
	HTTPClient             *http.Client
	DownloadTimeout        time.Duration
	MaxRetries             int
	MinBackoff, MaxBackoff time.Duration
	RetrySends             bool
	Logger                 *slog.Logger
}

// Filled returns s with its defaults: an HTTP client of
// transport.Client(DefaultTimeout) when none, in any case a copy that
// follows no redirect (the caller's stays as it was); DefaultDownloadTimeout
// for a download timeout of zero or less; DefaultMaxRetries for zero
// retries and none for a negative count; the default backoffs for zeros;
// slog.Default() for no logger.
func (s Settings) Filled() Settings {
	if s.HTTPClient == nil {
		s.HTTPClient = transport.Client(DefaultTimeout)
	}
	s.HTTPClient = transport.NoRedirects(s.HTTPClient)
	if s.DownloadTimeout <= 0 {
		s.DownloadTimeout = DefaultDownloadTimeout
	}
	s.MaxRetries = retry.Retries(s.MaxRetries, DefaultMaxRetries)
	b := s.Backoff().Or(retry.Backoff{Min: DefaultMinBackoff, Max: DefaultMaxBackoff})
	s.MinBackoff, s.MaxBackoff = b.Min, b.Max
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	return s
}

// Backoff returns MinBackoff and MaxBackoff as a retry.Backoff.
func (s Settings) Backoff() retry.Backoff { return retry.Backoff{Min: s.MinBackoff, Max: s.MaxBackoff} }

// Options returns the Options of a Client with these settings; the
// caller adds Provider, Secrets, Header and Errors.
func (s Settings) Options() Options {
	return Options{HTTP: s.HTTPClient, Retries: s.MaxRetries, Backoff: s.Backoff(), RetrySends: s.RetrySends, Logger: s.Logger}
}

// Fetcher returns the guard of the downloads of a client of apiURL (see
// safefetch), on a copy of the HTTP client's transport. noRedirects is for
// downloads that carry credentials; r resolves host names (nil: the
// system's resolver).
func (s Settings) Fetcher(apiURL string, noRedirects bool, r safefetch.Resolver) *safefetch.Fetcher {
	return safefetch.New(safefetch.Options{
		APIURL:      apiURL,
		Base:        s.HTTPClient,
		Timeout:     s.DownloadTimeout,
		NoRedirects: noRedirects,
		Resolver:    r,
	})
}

// CheckBaseURL parses the base URL of an API, the Config field named
// field: an absolute http or https URL with a host, and no user info,
// query or fragment. Its errors name the provider and the field.
func CheckBaseURL(provider, field, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: Config.%s: %w", provider, field, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s: Config.%s %q: want an http or https URL", provider, field, u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("%s: Config.%s %q has no host", provider, field, u.Redacted())
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, fmt.Errorf("%s: Config.%s %q: a base URL takes no query, fragment or user info", provider, field, u.Redacted())
	}
	return u, nil
}

// Region returns the region national phone numbers are read in, a
// Config's DefaultRegion: def when region is "", in upper case, and one
// contactcard knows. Its error names the provider and the field.
func Region(provider, region, def string) (string, error) {
	if region == "" {
		region = def
	}
	region = strings.ToUpper(region)
	if err := contactcard.CheckRegion(region); err != nil {
		return region, fmt.Errorf("%s: Config.DefaultRegion: %w", provider, err)
	}
	return region, nil
}

// RedactError returns err with the secrets cut out of its text, when it
// held one (a token pasted into a URL field); nil stays nil.
func RedactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg, cut := err.Error(), false
	for _, t := range secrets {
		if len(t) >= MinSecret && strings.Contains(msg, t) {
			msg, cut = strings.ReplaceAll(msg, t, Redacted), true
		}
	}
	if !cut {
		return err
	}
	return errors.New(msg)
}
