// Package providertest is the contract every provider's API client keeps,
// written once, as store/storetest is for stores: provider/greenapi and
// provider/aitu run it from their tests, and so can the client of any other
// messaging service that a cardbot.Bot is to talk through. A client that
// passes it can stand behind a bot and a webhook receiver.
//
// The contract: the client follows no redirect of its API (so no
// credential leaves for another host) and leaves the caller's HTTP client
// as it was; a send is attempted at most once once its request may have
// reached the API, unless the user opts in, while reads keep their
// retries; a send that provably never reached the API is retried; the
// API's failures have the same kinds everywhere (retryable ones recognised
// by cardbot.IsRetryable); a file that cannot go is refused before any
// request; downloads from a hostile server neither loop, nor reach into
// the bot's network, nor hang; no secret is in an error or a log line; and
// pollers hand on each update until it is handled, back off, stop when the
// token is refused and share a lease.
//
// # What a client needs
//
// The client is a cardbot.Provider that also implements
// cardbot.Downloader, cardbot.RegionHinter and cardbot.FileLimiter (the
// Client interface). Its configuration says, at least: the API's URL, the
// token, an *http.Client, the retries, their backoffs and whether sends
// are retried after any transient failure, a download timeout, a file
// size cap and a logger (see Options). Its downloads resolve host names
// with a HostResolver that the test can replace (with Resolver's), and it
// logs "<Name()>: retrying …" when it retries a call and
// "<Name()>: polling failed …" when a poll fails. Its errors wrap one of
// five sentinels (Errors) and say which API method failed with which HTTP
// status (Harness.Status). It has a poller that feeds a
// cardbot.Dispatcher and may share a lease on a Locker.
//
// The test also needs a fake of the API on loopback that can be told to
// fail its next calls, and that records them (Fake): the providers of this
// module ship theirs as greenapitest and aitutest.
//
// # Running it
//
// A provider's test describes its client and its fake in a Harness and
// calls Run:
//
//	func TestContract(t *testing.T) {
//		providertest.Run(t, providertest.Harness[*acme.Client]{
//			Token: "secret-token",
//			New: func(t *testing.T, o providertest.Options) *acme.Client {
//				c, err := acme.New(acme.Config{APIURL: o.APIURL, Token: o.Token,
//					MaxRetries: providertest.Retries, Resolver: providertest.Resolver(), …})
//				require.NoError(t, err)
//				return c
//			},
//			Serve: func(t *testing.T) providertest.Fake {
//				srv := acmetest.NewServer(t, …)
//				return providertest.Fake{URL: srv.URL, Fail: …, Calls: …, Sent: …}
//			},
//			Chat:   "chat-1",
//			Send:   providertest.Call[*acme.Client]{Method: "send", Do: …},
//			Reads:  []providertest.Call[*acme.Client]{{Method: "getFile", Do: …}},
//			Errors: providertest.Errors{Redirected: acme.ErrRedirected, …},
//			…
//		})
//	}
//
// Each check is a subtest (t.Run), so one can be run alone with go test
// -run 'TestContract/pollers'. Every wait is bounded.
//
// FuzzDecode and BenchmarkDecode check and time a provider's webhook
// decoder: every body it gets either gives updates that keep their raw
// JSON, or an error that wraps cardbot.ErrMalformedUpdate.
package providertest
