// Package deploy_test checks the container files of the repository
// (../Dockerfile, compose.yaml, Caddyfile) without Docker, which CI does
// not have: it parses them, checks what a deployment relies on, and runs
// the Dockerfile's go build here (under CARDBOT_DOCKERFILE_BUILD=1: a
// build from a cold cache takes minutes).
package deploy_test

import (
	"context"
	"debug/elf"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// instruction is one instruction of a Dockerfile: its keyword, upper
// case, and its arguments, continuation lines joined.
type instruction struct {
	cmd  string
	args string
	line int
}

// stage is a FROM and the instructions after it.
type stage struct {
	base, name string
	body       []instruction
}

// parseDockerfile reads the instructions of a Dockerfile into its stages;
// the ARGs before the first FROM are left out.
func parseDockerfile(t *testing.T, text string) []stage {
	t.Helper()
	var (
		stages []stage
		cur    strings.Builder
		start  int
	)
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		cmd, args, _ := strings.Cut(s, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			st := stage{base: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			return
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

// find returns the instructions of st with keyword cmd.
func (st stage) find(cmd string) []instruction {
	var list []instruction
	for _, in := range st.body {
		if in.cmd == cmd {
			list = append(list, in)
		}
	}
	return list
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// buildCommand returns the environment and arguments of the go build that
// the build stage runs.
func buildCommand(t *testing.T, build stage) (env, args []string) {
	t.Helper()
	var runs []string
	for _, in := range build.find("RUN") {
		if strings.Contains(in.args, "go build") {
			runs = append(runs, in.args)
		}
	}
	require.Len(t, runs, 1, "one RUN go build")
	words := shellWords(runs[0])
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env, words = append(env, words[0]), words[1:]
	}
	require.GreaterOrEqual(t, len(words), 2)
	require.Equal(t, []string{"go", "build"}, words[:2], "RUN runs go build, no shell around it")
	return env, words[2:]
}

// shellWords splits a command line as sh does for the simple commands of
// a Dockerfile: spaces between words, quotes kept together and removed.
func shellWords(s string) []string {
	var (
		words []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words, in = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestDockerfile: a multi-stage build of a static binary (no cgo), a final
// image that runs it as a user other than root, with a HEALTHCHECK the
// binary answers itself (the image has no curl) and an exec-form
// ENTRYPOINT that SIGTERM reaches.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, readFile(t, "../Dockerfile"))
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage")
	build, final := stages[0], stages[len(stages)-1]
	require.NotEmpty(t, build.name, "the build stage is named")
	assert.True(t, strings.HasPrefix(build.base, "golang:"), "built with the Go image: %s", build.base)
	assert.True(t, final.base == "scratch" || strings.HasPrefix(final.base, "gcr.io/distroless/static"),
		"the final image holds no more than a static binary needs: %s", final.base)

	env, args := buildCommand(t, build)
	assert.Contains(t, env, "CGO_ENABLED=0", "a static binary")
	assert.Contains(t, args, "./examples/echobot")
	out := args[slices.Index(args, "-o")+1]

	copies := final.find("COPY")
	require.Len(t, copies, 1)
	assert.Equal(t, "--from="+build.name+" "+out+" /echobot", copies[0].args, "the final image gets the binary built")

	users := final.find("USER")
	require.Len(t, users, 1, "the final stage sets its user")
	user, _, _ := strings.Cut(users[0].args, ":")
	assert.NotContains(t, []string{"root", "0", ""}, user, "not root")

	hc := final.find("HEALTHCHECK")
	require.Len(t, hc, 1)
	_, cmd, ok := strings.Cut(hc[0].args, "CMD ")
	require.True(t, ok, "HEALTHCHECK … CMD …")
	assert.Equal(t, `["/echobot", "healthcheck"]`, strings.TrimSpace(cmd), "exec form: the image has no shell")
	assert.Contains(t, readFile(t, "../examples/echobot/main.go"), `os.Args[1] == "healthcheck"`, "the binary answers it")

	ep := final.find("ENTRYPOINT")
	require.Len(t, ep, 1)
	assert.Equal(t, `["/echobot"]`, ep[0].args, "exec form: SIGTERM reaches the bot")

	envs := final.find("ENV")
	require.Len(t, envs, 1)
	assert.Equal(t, "ADDR=:8080", envs[0].args)
	expose := final.find("EXPOSE")
	require.Len(t, expose, 1)
	assert.Equal(t, "8080", expose[0].args, "the port of ADDR")
}

// TestParseDockerfile: the parser joins continued lines and reads stages.
func TestParseDockerfile(t *testing.T) {
	stages := parseDockerfile(t, "ARG V=1\n# c\nFROM a AS b\nRUN x \\\n  y\n\nFROM c\nUSER 1\n")
	require.Len(t, stages, 2)
	assert.Equal(t, stage{base: "a", name: "b", body: []instruction{{cmd: "RUN", args: "x  y", line: 4}}}, stages[0])
	assert.Equal(t, "c", stages[1].base)
	assert.Equal(t, []instruction{{cmd: "USER", args: "1", line: 8}}, stages[1].body)
	assert.Equal(t, []string{"A=1", "go", "build", "-ldflags=-s -w", "x y"}, shellWords(`A=1 go build -ldflags="-s -w" 'x y'`))
}

// envNames returns the variables the echobot reads, from its config.go.
func envNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, m := range regexp.MustCompile(`getenv\("([A-Z_]+)"\)`).FindAllStringSubmatch(readFile(t, "../examples/echobot/app/config.go"), -1) {
		names = append(names, m[1])
	}
	require.NotEmpty(t, names)
	return names
}

// TestCompose: two echobot replicas, built from the Dockerfile, async on
// the compose file's Redis with one prefix, with every variable one the
// echobot reads and a webhook token beside each instance; a Redis with
// the settings the queue needs; a proxy whose configuration sends to both
// replicas, the only service published.
func TestCompose(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Build struct {
				Context    string `yaml:"context"`
				Dockerfile string `yaml:"dockerfile"`
			} `yaml:"build"`
			Image            string            `yaml:"image"`
			Command          []string          `yaml:"command"`
			Environment      map[string]string `yaml:"environment"`
			Ports            []string          `yaml:"ports"`
			Volumes          []string          `yaml:"volumes"`
			StopGracePeriod  string            `yaml:"stop_grace_period"`
			DependsOn        any               `yaml:"depends_on"`
			HealthcheckField any               `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(readFile(t, "compose.yaml")), &compose))
	known := envNames(t)
	bots := []string{"echobot-1", "echobot-2"}
	for _, name := range bots {
		s, ok := compose.Services[name]
		require.True(t, ok, "service %s", name)
		assert.FileExists(t, filepath.Join(s.Build.Context, s.Build.Dockerfile), "%s is built from the Dockerfile", name)
		for k := range s.Environment {
			assert.Contains(t, known, k, "%s: %s is a variable the echobot reads", name, k)
		}
		env := s.Environment
		assert.Equal(t, "async", env["DELIVERY"], name)
		assert.True(t, strings.HasPrefix(env["STORE"], "redis://redis:6379/"), "%s: on the compose file's Redis: %s", name, env["STORE"])
		assert.Equal(t, compose.Services["echobot-1"].Environment["STORE_PREFIX"], env["STORE_PREFIX"], "one queue")
		for _, p := range []string{"GREENAPI_", "MAX_"} {
			if _, ok := env[p+"ID_INSTANCE"]; ok {
				assert.Contains(t, env, p+"WEBHOOK_TOKEN", "%s: the echobot refuses an instance without its webhook token", name)
			}
		}
		assert.Equal(t, ":8080", env["ADDR"])
		assert.Empty(t, s.Ports, "%s: reached through the proxy only", name)
		grace, err := time.ParseDuration(s.StopGracePeriod)
		require.NoError(t, err, name)
		assert.Greater(t, grace, 30*time.Second, "%s: room for the 30 s drain", name)
	}

	redis := compose.Services["redis"]
	cmd := strings.Join(redis.Command, " ")
	assert.Contains(t, cmd, "--appendonly yes")
	assert.Contains(t, cmd, "--maxmemory-policy noeviction")
	assert.Empty(t, redis.Ports, "Redis is not published")

	proxy := compose.Services["proxy"]
	var caddyfile string
	for _, v := range proxy.Volumes {
		if host, _, ok := strings.Cut(v, ":"); ok && strings.HasSuffix(host, "Caddyfile") {
			caddyfile = readFile(t, host)
		}
	}
	require.NotEmpty(t, caddyfile, "the proxy mounts the Caddyfile")
	assert.Contains(t, caddyfile, "reverse_proxy "+strings.Join([]string{bots[0] + ":8080", bots[1] + ":8080"}, " "))
	matcher := regexp.MustCompile(`@bot path ([^\n]*)`).FindStringSubmatch(caddyfile)
	require.Len(t, matcher, 2, "the paths the proxy serves")
	assert.ElementsMatch(t, []string{"/webhook/*", "/healthz", "/readyz"}, strings.Fields(matcher[1]),
		"no /admin/, /metrics or /sandbox/ from the internet")
	assert.ElementsMatch(t, []string{"80:80", "443:443"}, proxy.Ports)
}

// TestDockerfileBuild runs the Dockerfile's go build here, with its flags,
// checks that the binary is static, and that `echobot healthcheck` tells
// a running bot from none, as the HEALTHCHECK does.
func TestDockerfileBuild(t *testing.T) {
	if os.Getenv("CARDBOT_DOCKERFILE_BUILD") != "1" {
		t.Skip("set CARDBOT_DOCKERFILE_BUILD=1 to run the Dockerfile's go build (minutes from a cold cache)")
	}
	stages := parseDockerfile(t, readFile(t, "../Dockerfile"))
	env, args := buildCommand(t, stages[0])
	bin := filepath.Join(t.TempDir(), "echobot")
	args[slices.Index(args, "-o")+1] = bin
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "no dynamic loader: a static binary")
	}
	assert.Nil(t, f.Section(".dynamic"), "no dynamic section")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	healthy := func() error {
		hc := exec.Command(bin, "healthcheck")
		hc.Env = []string{"ADDR=" + addr}
		return hc.Run()
	}
	require.Error(t, healthy(), "no bot yet")

	ctx, cancel := context.WithCancel(context.Background())
	bot := exec.CommandContext(ctx, bin)
	bot.Env = []string{"ADDR=" + addr} // no credentials: the sandbox
	require.NoError(t, bot.Start())
	t.Cleanup(func() { cancel(); _ = bot.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for healthy() != nil {
		require.True(t, time.Now().Before(deadline), "the bot did not become healthy")
		time.Sleep(100 * time.Millisecond)
	}
}
