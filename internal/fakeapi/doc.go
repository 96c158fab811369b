// Package fakeapi is the scaffolding the providers' fake servers
// (greenapitest, aitutest) share: the loopback server a fake runs on and
// the webhook poster that retries as a provider does, the options every
// fake takes, the answer a handler gives and how it is written, the log
// of calls, the queue of failures to answer instead of the real thing,
// the queue long polls wait on, the files a fake serves, and the reading
// of file uploads. What each API says stays in its fake.
package fakeapi
