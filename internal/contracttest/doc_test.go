// Package contracttest holds the contract tests of the messengers: one
// bot, behind the real webhook receiver, answers each kind of update each
// fake provider (greenapitest playing WhatsApp, MAX and Telegram, and
// aitutest) sends, through the messenger it came from; and the sends the
// real APIs refuse fail with the client's typed errors, nothing sent. The
// package has only tests, so that it may import every provider without a
// cycle.
package contracttest_test
