package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// cluster is the echobot processes of one phase, all with the same
// store, behind a balancer. Each process reaches the fakes through fronts
// of its own, with a probe on each: sends answer after the slow-send
// delay, and the calls each process has under way are counted.
type cluster struct {
	st     *store
	fleet  *fleet
	procs  []*proc
	fronts []*fronts
	probes [][messengers]*probe
	lb     *balancer
}

// clusterSpec says what processes a phase runs.
type clusterSpec struct {
	name      string // of the phase: names the processes and their logs
	instances int
	delivery  string // sync or async
	store     string // memory, file or redis
	sendDelay time.Duration
}

// workspace is the run's temporary directory, where the echobot binary
// is built once and the processes write their logs.
type workspace struct {
	// prebuilt, when set, is an echobot binary built before the run: the
	// run uses it instead of building one in its directory.
	prebuilt string

	once     sync.Once
	dir, bin string
	err      error
}

// workDir returns the run's temporary directory and the echobot binary
// (in it, built the first time, unless the workspace has a prebuilt one).
func (h *harness) workDir(ctx context.Context) (dir, bin string, err error) {
	ws := h.ws
	ws.once.Do(func() {
		ws.dir, ws.err = os.MkdirTemp("", "cardbot-loadtest-")
		switch {
		case ws.err != nil:
		case ws.prebuilt != "":
			ws.bin = ws.prebuilt
		default:
			ws.bin, ws.err = buildEchobot(ctx, ws.dir)
		}
	})
	return ws.dir, ws.bin, ws.err
}

// remove deletes the workspace, or keeps it and says where when keep (a
// phase failed: its processes' logs are there).
func (ws *workspace) remove(keep bool) string {
	if ws.dir == "" {
		return ""
	}
	if keep {
		return "the echobot processes' logs are kept in " + ws.dir
	}
	if err := os.RemoveAll(ws.dir); err != nil {
		return fmt.Sprintf("removing %s: %v", ws.dir, err)
	}
	return ""
}

// startCluster starts the processes of spec in w, each healthy, and the
// balancer in front of them.
func (h *harness) startCluster(ctx context.Context, w *world, spec clusterSpec) (c *cluster, err error) {
	dir, bin, err := h.workDir(ctx)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, spec.store, dir, spec.name, h.cfg.Procs.Lease)
	if err != nil {
		return nil, err
	}
	c = &cluster{st: st, fleet: newFleet(ctx, dir, bin)}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.close())
			c = nil
		}
	}()
	var bases []string
	for i := range spec.instances {
		fr, err := loopbackFronts()
		if err != nil {
			return c, err
		}
		c.fronts = append(c.fronts, fr)
		var probes [messengers]*probe
		var via [messengers]http.RoundTripper
		for m := range messengers {
			probes[m] = newProbe(w.faultT[m], spec.sendDelay)
			via[m] = probes[m]
		}
		c.probes = append(c.probes, probes)
		if _, err := fr.routeVia(w, via); err != nil {
			return c, err
		}
		p, err := c.fleet.add(fmt.Sprintf("%s-%d", spec.name, i+1), func(addr string) [][2]string {
			return append(echobotEnv(addr, spec.delivery, fr), st.env...)
		})
		if err != nil {
			return c, err
		}
		c.procs = append(c.procs, p)
		bases = append(bases, p.base())
	}
	// One after the other: the first to come creates what the store
	// keeps for all.
	for _, p := range c.procs {
		if err := p.start(ctx); err != nil {
			return c, err
		}
	}
	c.lb, err = startBalancer(bases)
	return c, err
}

// underWay returns the API calls process i has open now and those answered
// since since.
func (c *cluster) underWay(i int, since time.Time) (open, answered int) {
	for _, p := range c.probes[i] {
		o, a := p.underWay(since)
		open += o
		answered += a
	}
	return open, answered
}

// logs names the processes' log files.
func (c *cluster) logs() string {
	var names []string
	for _, p := range c.procs {
		names = append(names, p.log)
	}
	return strings.Join(names, ", ")
}

// close kills the processes and removes what the store kept.
func (c *cluster) close() error {
	c.fleet.close()
	var err error
	if c.lb != nil {
		err = c.lb.close()
	}
	var wg sync.WaitGroup
	for _, fr := range c.fronts {
		wg.Go(fr.close)
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(err, c.st.clean(ctx))
}
