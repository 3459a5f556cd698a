// Package ivr interprets voice menus built from configuration (自助语音导航): play prompts,
// collect keys, branch, look up a ticket's status by keypad, and end in an action the
// call centre carries out (queue, voicemail, forward, hang up). The interpreter does no
// I/O itself; the call it runs on is the Host.
package ivr

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind is what a node does.
type Kind string

const (
	Play      Kind = "play"      // play Prompts, go to Next
	Collect   Kind = "collect"   // play Prompts and read keys into Var; route by Branches
	Branch    Kind = "branch"    // route on the value of Var
	Status    Kind = "status"    // read the ticket number in Var and say its status (按键查询工单)
	Voicemail Kind = "voicemail" // end: record a message (留言)
	Queue     Kind = "queue"     // end: wait for an agent in Target
	Forward   Kind = "forward"   // end: transfer to Target (e.g. a duty phone 值班电话)
	Hangup    Kind = "hangup"    // end: play Prompts and hang up
)

// Node is one step of a menu. Fields not used by its Kind are ignored.
type Node struct {
	Kind    Kind     `yaml:"kind" json:"kind"`
	Prompts []string `yaml:"prompts,omitempty" json:"prompts,omitempty"`
	Next    string   `yaml:"next,omitempty" json:"next,omitempty"`

	// Collect
	Var        string        `yaml:"var,omitempty" json:"var,omitempty"`
	MaxDigits  int           `yaml:"max_digits,omitempty" json:"max_digits,omitempty"`
	Timeout    time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"` // wait for the first and each next key
	Retries    int           `yaml:"retries,omitempty" json:"retries,omitempty"` // extra tries after a timeout or an invalid choice
	Terminator string        `yaml:"terminator,omitempty" json:"terminator,omitempty"`
	Invalid    []string      `yaml:"invalid,omitempty" json:"invalid,omitempty"` // prompts after a bad choice

	// Collect and Branch: key string → node; Default when nothing matches.
	Branches map[string]string `yaml:"branches,omitempty" json:"branches,omitempty"`
	Default  string            `yaml:"default,omitempty" json:"default,omitempty"`

	// Queue, Forward
	Target   string `yaml:"target,omitempty" json:"target,omitempty"`
	Priority int    `yaml:"priority,omitempty" json:"priority,omitempty"`
}

// Menu is a whole flow, started at Start.
type Menu struct {
	Start string          `yaml:"start" json:"start"`
	Nodes map[string]Node `yaml:"nodes" json:"nodes"`
}

// Host is the call the menu runs on.
type Host interface {
	// Play plays prompts in order; keys pressed meanwhile stay buffered for Collect.
	Play(ctx context.Context, prompts ...string) error
	// Collect plays prompts (cut short by the first key) and returns the keys typed, up
	// to max, ending early on the terminator (not included) or after timeout without a
	// key. No key at all gives "".
	Collect(ctx context.Context, prompts []string, max int, timeout time.Duration, terminator string) (string, error)
	// TicketStatus is the port to the work-order core.
	TicketStatus(number string) (status string, ok bool)
}

// Outcome is how a menu ended.
type Outcome struct {
	Kind     Kind // Voicemail, Queue, Forward or Hangup
	Target   string
	Priority int
	Path     []string // node ids visited, for the CDR (IVR 轨迹)
	Vars     map[string]string
}

// MaxSteps stops a menu that loops forever (a configuration mistake, or a caller who
// keeps choosing "repeat").
const MaxSteps = 200

var ErrLoop = errors.New("ivr: too many steps")

// Validate checks that every reference points at a node and every node is usable.
func (m Menu) Validate() error {
	if _, ok := m.Nodes[m.Start]; !ok {
		return fmt.Errorf("ivr: start node %q does not exist", m.Start)
	}
	ref := func(from, to, field string) error {
		if to == "" {
			return nil
		}
		if _, ok := m.Nodes[to]; !ok {
			return fmt.Errorf("ivr: node %q: %s %q does not exist", from, field, to)
		}
		return nil
	}
	for id, n := range m.Nodes {
		var errs []error
		switch n.Kind {
		case Play:
			if n.Next == "" {
				errs = append(errs, fmt.Errorf("ivr: play node %q needs next", id))
			}
		case Collect:
			if n.MaxDigits <= 0 || n.Timeout <= 0 {
				errs = append(errs, fmt.Errorf("ivr: collect node %q needs max_digits and timeout", id))
			}
			if n.Next == "" && n.Default == "" && len(n.Branches) == 0 {
				errs = append(errs, fmt.Errorf("ivr: collect node %q leads nowhere", id))
			}
		case Branch:
			if n.Var == "" || n.Default == "" {
				errs = append(errs, fmt.Errorf("ivr: branch node %q needs var and default", id))
			}
		case Status:
			if n.Var == "" || n.Next == "" {
				errs = append(errs, fmt.Errorf("ivr: status node %q needs var and next", id))
			}
		case Queue, Forward:
			if n.Target == "" {
				errs = append(errs, fmt.Errorf("ivr: %s node %q needs a target", n.Kind, id))
			}
		case Voicemail, Hangup:
		default:
			errs = append(errs, fmt.Errorf("ivr: node %q has unknown kind %q", id, n.Kind))
		}
		errs = append(errs, ref(id, n.Next, "next"), ref(id, n.Default, "default"))
		for k, to := range n.Branches {
			errs = append(errs, ref(id, to, "branch "+k))
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// Run interprets m on h until it reaches an end node. A hang-up by the caller shows as
// the context's error.
func Run(ctx context.Context, m Menu, h Host) (Outcome, error) {
	out := Outcome{Vars: map[string]string{}}
	id := m.Start
	for range MaxSteps {
		n, ok := m.Nodes[id]
		if !ok {
			return out, fmt.Errorf("ivr: no node %q", id)
		}
		out.Path = append(out.Path, id)
		var err error
		switch n.Kind {
		case Play:
			err = h.Play(ctx, n.Prompts...)
			id = n.Next
		case Collect:
			id, err = collect(ctx, h, n, out.Vars)
		case Branch:
			id = pick(n, out.Vars[n.Var])
		case Status:
			if st, ok := h.TicketStatus(out.Vars[n.Var]); ok {
				err = h.Play(ctx, "ticket-status", "status-"+st)
			} else {
				err = h.Play(ctx, "ticket-not-found")
			}
			id = n.Next
		case Hangup:
			err = h.Play(ctx, n.Prompts...)
			out.Kind = Hangup
			return out, err
		case Voicemail, Queue, Forward:
			if len(n.Prompts) > 0 {
				err = h.Play(ctx, n.Prompts...)
			}
			out.Kind, out.Target, out.Priority = n.Kind, n.Target, n.Priority
			return out, err
		default:
			return out, fmt.Errorf("ivr: node %q has unknown kind %q", id, n.Kind)
		}
		if err != nil {
			return out, err
		}
	}
	return out, ErrLoop
}

func pick(n Node, v string) string {
	if to, ok := n.Branches[v]; ok {
		return to
	}
	return n.Default
}

func collect(ctx context.Context, h Host, n Node, vars map[string]string) (string, error) {
	prompts := n.Prompts
	for try := 0; try <= n.Retries; try++ {
		keys, err := h.Collect(ctx, prompts, n.MaxDigits, n.Timeout, n.Terminator)
		if err != nil {
			return "", err
		}
		if n.Var != "" {
			vars[n.Var] = keys
		}
		if len(n.Branches) == 0 {
			if keys != "" {
				return n.Next, nil
			}
		} else if to, ok := n.Branches[keys]; ok {
			return to, nil
		}
		if try < n.Retries {
			// Say what went wrong, then ask again.
			prompts = slices.Concat(n.Invalid, n.Prompts)
			if keys == "" {
				prompts = n.Prompts
			}
		}
	}
	if n.Default != "" {
		return n.Default, nil
	}
	if n.Next != "" && len(n.Branches) > 0 {
		return n.Next, nil
	}
	return "", fmt.Errorf("ivr: node %s: no valid input after %d tries", strings.TrimSpace(n.Var), n.Retries+1)
}
