package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sends returns the calls that sent a message.
func (s started) sends() []CallData {
	var out []CallData
	for _, e := range s.eventsOf(KindCall) {
		if c := e.Data.(CallData); c.Send {
			out = append(out, c)
		}
	}
	return out
}

func setFaults(t *testing.T, base string, m Messenger, body string) Faults {
	t.Helper()
	status, data := do(t, http.MethodPost, base+"/sandbox/"+string(m)+"/fault", body)
	require.Equal(t, http.StatusOK, status, data)
	var f Faults
	require.NoError(t, json.Unmarshal([]byte(data), &f))
	return f
}

func TestNextSendFails(t *testing.T) {
	t.Parallel() // each subtest has a sandbox of its own, and waits out the client's retry
	for _, m := range Messengers() {
		// A 429 says the send was not taken: the client tries it again.
		t.Run(string(m)+"/"+http.StatusText(http.StatusTooManyRequests), func(t *testing.T) {
			t.Parallel()
			s := start(t, Config{Messengers: []Messenger{m}})
			f := setFaults(t, s.url, m, `{"fail":429}`)
			assert.Equal(t, Faults{FailStatus: http.StatusTooManyRequests, FailCount: 1}, f)

			replies := say(t, s.url, string(m)+"/text", "despite it")
			assert.Equal(t, []string{"despite it"}, textsOf(replies), "the client retried the send")
			sends := s.sends()
			require.Len(t, sends, 2)
			assert.Equal(t, http.StatusTooManyRequests, sends[0].Status)
			assert.Contains(t, sends[0].Fault, "by the sandbox: the fake never saw it")
			assert.Equal(t, http.StatusOK, sends[1].Status)
			assert.Empty(t, sends[1].Fault)
			assert.Equal(t, Faults{}, s.sb.ms[m].faults.get(), "one send only")
			changes := s.eventsOf(KindFaults)
			require.Len(t, changes, 2, "set, then used up")
			assert.Equal(t, Faults{}, changes[1].Data, "the page learns that the fault is used up")
		})
		// A 500 may come after the provider took the send: the client does
		// not send it twice; the webhook answers 503, and the messenger's
		// delivery again gets the answer out.
		t.Run(string(m)+"/"+http.StatusText(http.StatusInternalServerError), func(t *testing.T) {
			t.Parallel()
			s := start(t, Config{Messengers: []Messenger{m}})
			setFaults(t, s.url, m, `{"fail":500}`)
			status, body := do(t, http.MethodPost, s.url+"/sandbox/"+string(m)+"/text", "despite it")
			assert.Equal(t, http.StatusBadGateway, status, body)
			assert.JSONEq(t, `{"error":"the bot answered the webhook with Service Unavailable","status":503,"replies":[]}`, body)
			sends := s.sends()
			require.Len(t, sends, 1, "attempted once")
			assert.Equal(t, http.StatusInternalServerError, sends[0].Status)
			assert.Equal(t, Faults{}, s.sb.ms[m].faults.get(), "one send only")

			assert.Equal(t, []string{"despite it"}, textsOf(say(t, s.url, string(m)+"/again", "")))
		})
	}
}

// On MAX a contact is looked up (getContacts) before it is sent: the
// fault hits the send, not the lookup.
func TestFaultHitsTheSendOnly(t *testing.T) {
	t.Parallel() // a sandbox of its own; waits out the client's retry
	s := start(t, Config{Messengers: []Messenger{MAX}})
	setFaults(t, s.url, MAX, `{"fail":429}`)
	replies := say(t, s.url, "max/contact", victorCard)
	assert.Equal(t, []sentCard{{"", "", "", true}}, cardsOf(replies))
	var methods []string
	var statuses []int
	for _, e := range s.eventsOf(KindCall) {
		c := e.Data.(CallData)
		methods, statuses = append(methods, c.Method), append(statuses, c.Status)
	}
	assert.Equal(t, []string{"getContacts", "sendContact", "sendContact"}, methods)
	assert.Equal(t, []int{200, 429, 200}, statuses)
}

// A fault that outlasts the client's retries of a 429 fails the handler
// with a retryable error: the webhook answers 503, so the messenger would
// deliver it again; "deliver again" then gets the answer out.
func TestFaultOutlastingRetries(t *testing.T) {
	t.Parallel() // a sandbox of its own; waits out the client's retries
	s := start(t, Config{Messengers: []Messenger{WhatsApp}})
	setFaults(t, s.url, WhatsApp, `{"fail":429,"count":4}`)
	status, body := do(t, http.MethodPost, s.url+"/sandbox/whatsapp/text", "later")
	assert.Equal(t, http.StatusBadGateway, status, body)
	assert.JSONEq(t, `{"error":"the bot answered the webhook with Service Unavailable","status":503,"replies":[]}`, body)
	assert.Len(t, s.sends(), 4)

	assert.Equal(t, []string{"later"}, textsOf(say(t, s.url, "whatsapp/again", "")))
}

func TestSlowAPI(t *testing.T) {
	const delay = 300 * time.Millisecond
	s := start(t, Config{Messengers: []Messenger{Aitu}, SlowDelay: delay})
	tests := []struct {
		name, body string
		want       Faults
		slowed     bool
	}{
		{"on", `{"slow":true}`, Faults{SlowMillis: delay.Milliseconds()}, true},
		{"off", `{"slow":false}`, Faults{}, false},
		{"on, then cleared", `{"slow":true}`, Faults{SlowMillis: delay.Milliseconds()}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, setFaults(t, s.url, Aitu, tt.body))
			say(t, s.url, "aitu/text", tt.name)
			sends := s.sends()
			last := sends[len(sends)-1]
			if tt.slowed {
				assert.GreaterOrEqual(t, last.Millis, delay.Milliseconds())
				assert.Contains(t, last.Fault, "slowed by 300ms")
			} else {
				assert.Less(t, last.Millis, delay.Milliseconds())
				assert.Empty(t, last.Fault)
			}
		})
	}
	assert.Equal(t, Faults{}, setFaults(t, s.url, Aitu, `{"clear":true}`))
}

func TestFaultsApply(t *testing.T) {
	tests := []struct {
		name string
		req  FaultRequest
		want Faults
		err  error
	}{
		{"429 once", FaultRequest{Fail: 429}, Faults{FailStatus: 429, FailCount: 1, SlowMillis: 0}, nil},
		{"500 three times", FaultRequest{Fail: 500, Count: 3}, Faults{FailStatus: 500, FailCount: 3}, nil},
		{"404 is not a fault the sandbox plays", FaultRequest{Fail: 404}, Faults{}, ErrBadFault},
		{"600 neither", FaultRequest{Fail: 600}, Faults{}, ErrBadFault},
		{"negative count", FaultRequest{Fail: 500, Count: -1}, Faults{}, ErrBadFault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &faults{delay: time.Second}
			got, err := f.apply(tt.req)
			require.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// The GREEN-API token travels in the URL path; no event shows it.
func TestCallsHideTheToken(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp, MAX}})
	say(t, s.url, "whatsapp/text", "hi")
	say(t, s.url, "max/contact", victorCard)
	for _, m := range []Messenger{WhatsApp, MAX} {
		t.Run(string(m), func(t *testing.T) {
			token := s.sb.ms[m].peer.(*greenapiPeer).fake.Token
			require.NotEmpty(t, token)
			calls := 0
			for _, e := range s.eventsOf(KindCall) {
				if e.Messenger != m {
					continue
				}
				calls++
				c := e.Data.(CallData)
				assert.Contains(t, c.Path, "/{apiTokenInstance}")
				assert.NotContains(t, string(mustJSON(t, c)), token)
			}
			assert.NotZero(t, calls)
		})
	}
}
