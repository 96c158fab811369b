package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The crash and throughput phases run the echobot as real processes: the
// binary of examples/echobot, built once per run into a temporary
// directory, started with exec in a process group of its own, its
// standard output and error in a log file beside it, and killed with
// SIGKILL, as a crash or the OOM killer ends a process: no drain, no
// deferred function. Every process is killed on every way out of a phase
// (its deferred close, which also runs on a panic) and when the run's
// context ends (its time bound, or Ctrl-C), whatever the phase is
// blocked on; Pdeathsig asks Linux to kill it, too, should the harness
// itself die.

// procHealthWait bounds the wait for a started echobot's GET /healthz.
const procHealthWait = 30 * time.Second

// echobotPkg is the echobot's package, built by buildEchobot.
const echobotPkg = "github.com/cardbot/cardbot/examples/echobot"

// buildEchobot builds the echobot into dir, with the go build flags given
// (such as -race), and returns the binary's path. It builds in the module
// the harness runs in, the tools module, whose go.mod points at the
// library in the directory above it and pins the versions the harness
// itself was built with.
func buildEchobot(ctx context.Context, dir string, flags ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("building the echobot: not inside the cardbot tools module")
	}
	bin := filepath.Join(dir, "echobot")
	args := append(append([]string{"build"}, flags...), "-o", bin, echobotPkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			// The bound ran out, not the compiler: say so, not "signal: killed".
			return "", fmt.Errorf("go build %s did not finish in time: %w", echobotPkg, context.Cause(ctx))
		}
		return "", fmt.Errorf("go build %s: %w\n%s", echobotPkg, err, out)
	}
	return bin, nil
}

// proc is one echobot process, which may be started again after it was
// killed: the same binary, environment and address.
type proc struct {
	name string
	bin  string
	addr string // host:port it listens on (its ADDR)
	env  []string
	log  string // its log file

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed once the running process was reaped
}

// base is the process's URL.
func (p *proc) base() string { return "http://" + p.addr }

// start starts the process and waits for its /healthz; a process that
// does not get healthy is killed.
func (p *proc) start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	if p.cmd != nil {
		p.mu.Unlock()
		return fmt.Errorf("%s: already running", p.name)
	}
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	fmt.Fprintf(logf, "--- loadtest: %s starts at %s\n", p.name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(p.bin)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		logf.Close()
		return fmt.Errorf("%s: %w", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()

	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-done: // it died: stop waiting for its health
			cancel()
		case <-hctx.Done():
		}
	}()
	if err := waitHealthy(hctx, p.base(), procHealthWait); err != nil {
		p.kill()
		return fmt.Errorf("%s did not get healthy (see %s): %w", p.name, p.log, err)
	}
	return nil
}

// kill sends SIGKILL to the process's group and waits until it was
// reaped; it does nothing when the process is not running.
func (p *proc) kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.cmd, p.done = nil, nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// fleet is the echobot processes of a phase.
type fleet struct {
	dir, bin string
	stop     func() bool // of the context.AfterFunc that kills them all

	mu    sync.Mutex
	procs []*proc
}

// newFleet runs the processes of bin, their logs in dir, and kills them
// all when ctx ends.
func newFleet(ctx context.Context, dir, bin string) *fleet {
	f := &fleet{dir: dir, bin: bin}
	f.stop = context.AfterFunc(ctx, f.killAll)
	return f
}

// add makes a process named name with env (pairs of name and value) on a
// free loopback port, without starting it.
func (f *fleet) add(name string, env func(addr string) [][2]string) (*proc, error) {
	addr, err := closedPort()
	if err != nil {
		return nil, err
	}
	p := &proc{name: name, bin: f.bin, addr: addr, log: filepath.Join(f.dir, name+".log")}
	for _, kv := range env(addr) {
		p.env = append(p.env, kv[0]+"="+kv[1])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.procs = append(f.procs, p)
	return p, nil
}

// killAll kills every process of the fleet.
func (f *fleet) killAll() {
	f.mu.Lock()
	procs := f.procs
	f.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(p.kill)
	}
	wg.Wait()
}

// close kills every process and stops watching the context.
func (f *fleet) close() {
	f.stop()
	f.killAll()
}
