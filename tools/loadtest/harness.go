package main

// harness is one run: its flags and, in the external mode, the fronts of
// the fakes (nil when the bot runs in process).
type harness struct {
	cfg    Config
	fronts *fronts
	ws     *workspace // of the phases that run echobot processes

	// The goroutines and the live heap after the warm-up.
	goBefore   int
	heapBefore uint64
}

func (h *harness) external() bool { return h.fronts != nil }

func (h *harness) world(plan FaultPlan) (*world, error) { return newWorld(plan, h.fronts) }

// bot starts the bot of a phase in w, or points at the external one.
func (h *harness) bot(w *world, async bool) (*instance, error) {
	if h.external() {
		return externalBot(h.cfg.Bot, w), nil
	}
	return startBot(w, async, h.cfg, kept{})
}
