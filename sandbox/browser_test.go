package sandbox

import (
	"context"
	"errors"
	"github.com/cardbot/cardbot"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The browser tests drive the page in a real headless Chromium. Without one
// they skip, unless CARDBOT_REQUIRE_BROWSER=1 (as in .ci/run): then they
// fail. CARDBOT_SCREENSHOT=<path.png> saves a screenshot of the page (a
// relative path is taken from the module's root).
const (
	requireBrowserEnv = "CARDBOT_REQUIRE_BROWSER"
	screenshotEnv     = "CARDBOT_SCREENSHOT"
	// browserBudget bounds a whole browser test, Chromium's start included.
	browserBudget = 2 * time.Minute
	// stepBudget bounds one step in the page.
	stepBudget = 20 * time.Second
)

// chromium returns the path of a Chromium binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(requireBrowserEnv) == "1" {
		t.Fatalf("no Chromium on the PATH and %s=1: install it (apt-get install -y chromium)", requireBrowserEnv)
	}
	t.Skipf("no Chromium on the PATH: the browser tests skip (apt-get install -y chromium runs them; %s=1 makes this a failure)", requireBrowserEnv)
	return ""
}

// page is a browser tab on the sandbox page. Its methods take the test of
// the step that uses them.
type page struct {
	tab context.Context
}

// openPage starts Chromium with a fresh profile and opens the sandbox page
// at url; everything stops when t ends.
func openPage(t *testing.T, url string) *page {
	t.Helper()
	exe := chromium(t)
	root, cancelRoot := context.WithTimeout(context.Background(), browserBudget)
	alloc, cancelAlloc := chromedp.NewExecAllocator(root,
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		_ = chromedp.Cancel(tab) // closes the browser gracefully
		cancelTab()
		cancelAlloc()
		cancelRoot()
	})
	// The first call starts the browser; it is bounded by root.
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(url)), "starting Chromium and opening the page")
	p := &page{tab: tab}
	p.waitFor(t, `document.body.dataset.live === "1"`, "the page's event stream is open")
	return p
}

// do runs actions within stepBudget.
func (p *page) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.tab, stepBudget)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, actions...), what)
}

// waitFor waits until the JavaScript expression is true.
func (p *page) waitFor(t *testing.T, expr, what string) {
	t.Helper()
	p.do(t, what, chromedp.Action[chromedp.Void](chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(stepBudget-time.Second))))
}

// count returns how many elements match a CSS selector.
func (p *page) count(t *testing.T, sel string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.tab, stepBudget)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	require.NoError(t, err)
	return n
}

// botSaid is a JavaScript test: a bot message in the chat contains text.
func botSaid(text string) string {
	return `[...document.querySelectorAll("#transcript .msg.bot")].some(e => e.textContent.includes(` + strconv.Quote(text) + `))`
}

// screenshot saves the page as a PNG where CARDBOT_SCREENSHOT says.
func (p *page) screenshot(t *testing.T) {
	t.Helper()
	path := os.Getenv(screenshotEnv)
	if path == "" {
		return
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(moduleRoot(t), path)
	}
	ctx, cancel := context.WithTimeout(p.tab, stepBudget)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("contact-box").open = false; window.scrollTo(0, 0)`),
		chromedp.Sleep(200*time.Millisecond), // a frame to lay the page out again
	))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot saved to %s", path)
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			require.NoError(t, errors.New("no go.mod above the working directory"))
		}
		dir = parent
	}
}

func TestBrowser(t *testing.T) {
	s := start(t, Config{}, cardbot.WithState(cardbot.StateConfig{}))
	p := openPage(t, s.url+"/sandbox/")
	android, err := filepath.Abs("../contactcard/testdata/android_21_qp.vcf")
	require.NoError(t, err)

	// The steps run in order on one page: each starts where the last ended.
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"a text is echoed", func(t *testing.T) {
			p.do(t, "typing a text and pressing Enter", chromedp.SendKeys(chromedp.CSS("#text"), "Hello from the browser"+kb.Enter))
			p.waitFor(t, botSaid("Hello from the browser"), "the echo")
			assert.Equal(t, 1, p.count(t, "#transcript .msg.user"))
		}},
		{"a card with a bad number is refused with the reason", func(t *testing.T) {
			p.do(t, "sharing a contact",
				chromedp.Click(chromedp.CSS("#contact-box summary")),
				chromedp.SendKeys(chromedp.CSS("#contact-name"), "Tan Wei"),
				chromedp.SendKeys(chromedp.CSS("#contact-numbers"), "+65 6123 4567"),
				chromedp.Click(chromedp.CSS("#share")),
			)
			p.waitFor(t, botSaid("Not sent: Tan Wei: +6561234567 has 10 digits where 11–12 are needed"), "the refusal")
		}},
		{"a .vcf with two cards comes back as two contact cards", func(t *testing.T) {
			p.do(t, "uploading a .vcf", chromedp.SetUploadFiles(chromedp.CSS("#vcf-file"), []string{android}))
			p.waitFor(t, `document.querySelectorAll("#transcript .msg.bot .card").length === 2`, "two contact cards")
			p.waitFor(t, botSaid("+79261112233"), "the first card's number")
			p.waitFor(t, botSaid("Ольга Лебедева"), "the second card's name")
			p.do(t, "opening the last API call", chromedp.Click(chromedp.CSS("#traffic li.call summary")))
			p.screenshot(t)
		}},
		{"a shared contact shows every number as typed", func(t *testing.T) {
			p.do(t, "sharing a contact of two numbers, one national",
				chromedp.Evaluate[chromedp.Void](`document.getElementById("contact-box").open = true`),
				chromedp.SendKeys(chromedp.CSS("#contact-name"), "Vera Lis"),
				chromedp.SendKeys(chromedp.CSS("#contact-numbers"), "8 900 765-43-21\n+7 912 345-67-89"),
				chromedp.Click(chromedp.CSS("#share")),
			)
			mine := `[...document.querySelectorAll("#transcript .msg.user .card .number")].map(e => e.textContent)`
			p.waitFor(t, mine+`.includes("8 900 765-43-21") && `+mine+`.includes("+7 912 345-67-89")`, "both numbers as typed")
			p.waitFor(t, `!`+mine+`.includes("+8 900 765-43-21")`, "no + before a national number")
		}},
		{"the chat's conversation state shows beside it", func(t *testing.T) {
			p.do(t, "counting twice", chromedp.SendKeys(chromedp.CSS("#text"), "/count"+kb.Enter))
			p.waitFor(t, botSaid("count 1"), "the first count")
			p.do(t, "and again", chromedp.SendKeys(chromedp.CSS("#text"), "/count"+kb.Enter))
			p.waitFor(t, botSaid("count 2"), "the second count")
			p.waitFor(t, `document.getElementById("state").textContent.includes("counting") && document.getElementById("state").textContent.includes("2")`,
				"the state and its data in the panel")
		}},
		{"MAX echoes", func(t *testing.T) {
			p.do(t, "switching to MAX", chromedp.Click(chromedp.CSS(`label[for="messenger-max"]`)))
			p.waitFor(t, `document.body.classList.contains("m-max") && document.querySelectorAll("#transcript .msg").length === 0`, "an empty MAX chat")
			p.do(t, "typing", chromedp.SendKeys(chromedp.CSS("#text"), "Hello MAX"+kb.Enter))
			p.waitFor(t, botSaid("Hello MAX"), "the echo on MAX")
		}},
		{"Aitu echoes", func(t *testing.T) {
			p.do(t, "switching to Aitu", chromedp.Click(chromedp.CSS(`label[for="messenger-aitu"]`)))
			p.waitFor(t, `document.body.classList.contains("m-aitu")`, "the Aitu chat")
			p.do(t, "typing", chromedp.SendKeys(chromedp.CSS("#text"), "Сәлем, Aitu"+kb.Enter))
			p.waitFor(t, botSaid("Сәлем, Aitu"), "the echo on Aitu")
		}},
		{"delivering again gets no second answer", func(t *testing.T) {
			answers := p.count(t, "#transcript .msg.bot")
			require.Equal(t, 1, answers)
			p.do(t, "pressing deliver again", chromedp.Click(chromedp.CSS("#again")))
			p.waitFor(t, `document.querySelectorAll("#traffic .again").length === 1`, "the second delivery shown")
			assert.Equal(t, 2, p.count(t, "#traffic li.webhook"))
			p.do(t, "giving a second answer time to show", chromedp.Sleep(500*time.Millisecond))
			assert.Equal(t, answers, p.count(t, "#transcript .msg.bot"), "the duplicate was not answered")
			assert.Equal(t, 1, len(replies(s, Aitu)))
		}},
		{"the group chat is its own chat", func(t *testing.T) {
			p.do(t, "choosing the group and another user",
				chromedp.SetValue(chromedp.CSS("#chat"), "group"),
				chromedp.Evaluate[chromedp.Void](`document.getElementById("chat").dispatchEvent(new Event("change"))`),
			)
			p.waitFor(t, `document.querySelectorAll("#transcript .msg").length === 0`, "an empty group chat")
			p.do(t, "typing", chromedp.SendKeys(chromedp.CSS("#text"), "Hi all"+kb.Enter))
			p.waitFor(t, botSaid("Hi all"), "the echo in the group")
			p.waitFor(t, `document.querySelector("#transcript .msg.user .who").textContent === "Ivan Petrov"`, "the sender's name")
		}},
		{"a failed send shows in the API panel, and the retry gets through", func(t *testing.T) {
			p.do(t, "pressing next send fails: 429", chromedp.Click(chromedp.CSS("#fail-429")))
			p.waitFor(t, `document.getElementById("faults").textContent.includes("the next send fails with 429")`, "the fault shown")
			p.do(t, "typing", chromedp.SendKeys(chromedp.CSS("#text"), "after a 429"+kb.Enter))
			p.waitFor(t, botSaid("after a 429"), "the echo, sent again by the client")
			p.waitFor(t, `[...document.querySelectorAll("#traffic li.call .status.bad")].some(e => e.textContent === "429")`, "the 429 shown")
			p.waitFor(t, `document.getElementById("faults").textContent === "No faults set."`, "the fault used up")
			p.do(t, "turning the slow API on", chromedp.Click(chromedp.CSS("#slow")))
			p.waitFor(t, `document.getElementById("slow").getAttribute("aria-pressed") === "true"`, "the slow API on")
			p.do(t, "and off", chromedp.Click(chromedp.CSS("#slow")))
			p.waitFor(t, `document.getElementById("slow").getAttribute("aria-pressed") === "false"`, "the slow API off")
		}},
		{"the keyboard alone switches the messenger", func(t *testing.T) {
			p.do(t, "arrow left on the messenger chosen", chromedp.SendKeys(chromedp.CSS("#messenger-aitu"), kb.ArrowLeft))
			p.waitFor(t, `document.getElementById("messenger-telegram").checked && document.body.classList.contains("m-telegram")`, "Telegram chosen")
			p.waitFor(t, `[...document.querySelectorAll("input, select, textarea")].every(e => e.labels && e.labels.length > 0)`,
				"every control has a label")
		}},
		{"the page fits a phone's width", func(t *testing.T) {
			p.do(t, "a phone's viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			p.waitFor(t, `document.documentElement.scrollWidth <= 390`, "no horizontal scrolling")
			p.do(t, "typing on the phone", chromedp.SendKeys(chromedp.CSS("#text"), "small screen"+kb.Enter))
			p.waitFor(t, botSaid("small screen"), "the echo")
		}},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) {
			return // later steps build on this one
		}
	}
}

// replies are the replies the fake of m recorded.
func replies(s started, m Messenger) []Reply { return s.sb.ms[m].peer.replies() }
