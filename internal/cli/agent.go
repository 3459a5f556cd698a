package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

const agentHelp = `Usage: hotline agent <subcommand> [flags]

Call-centre agents (坐席): SIP extensions that register with digest auth and answer the
hotline queues. Changes are written to the database (--db, as for serve); a running server
applies state changes and new or changed agents within a few seconds (its poll, 2 s).

Subcommands:
  add     add or change an agent: agent add --ext 1001 --password P --name N --skills 12345,12315 [--level 3] [--user U]
          (--password may be left out when changing an existing agent)
  state   ask for an agent's state: agent state --ext 1001 ready|not-ready|signed-out
  list    list the agents with their skills and last known state
`

func runAgent(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "agent", args, map[string]func(context.Context, *env, []string) error{
		"add": runAgentAdd, "state": runAgentState, "list": runAgentList,
	}, agentHelp)
}

// parseSkills reads "12345,12315:2": skill groups, each with an optional level (default level).
func parseSkills(s string, level int) (map[string]int, error) {
	out := map[string]int{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		group, lv, hasLevel := strings.Cut(f, ":")
		l := level
		if hasLevel {
			n, err := strconv.Atoi(lv)
			if err != nil || n < 1 {
				return nil, usagef("--skills %q: level of %s must be a positive number", s, group)
			}
			l = n
		}
		out[group] = l
	}
	if len(out) == 0 {
		return nil, usagef("--skills is required: the skill groups (hotline numbers) the agent answers, e.g. 12345,12315")
	}
	return out, nil
}

func runAgentAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("agent add", "agent add --ext EXT [--password P] [--name N] --skills 12345,12315 [--level 3] [--order N] [--user U]", `
Add an agent extension, or change an existing one's password, name, skills and order. The
password is the SIP digest password the agent's phone registers with. Skills are skill
groups (hotline numbers), each at --level (业务级别, higher is more senior) or at its own
level written 12315:2. --user links the extension to a staff login, whose agent desk
then shows and drives this seat.`)
	var d dbFlags
	d.register(fs)
	ext := fs.String("ext", "", "extension (required), e.g. 1001")
	password := fs.String("password", "", "SIP digest password (required for a new agent; kept when left out)")
	name := fs.String("name", "", "agent's name (default: the extension)")
	skills := fs.String("skills", "", "skill groups, comma-separated (required), e.g. 12345,12315:2")
	level := fs.Int("level", 1, "skill level for groups without their own")
	order := fs.Int("order", 0, "seat order (座席编号) for agent-order queues (default: the extension's number)")
	user := fs.String("user", "", "staff username whose agent desk uses this extension")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *level < 1 || *level > acd.MaxSkillLevel {
		return usagef("--level must be from 1 to %d", acd.MaxSkillLevel)
	}
	sk, err := parseSkills(*skills, *level)
	if err != nil {
		return err
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	old, err := st.VoiceAgent(ctx, *ext)
	if errors.Is(err, store.ErrNotFound) {
		old = nil
	} else if err != nil {
		return err
	}
	// The same rule as the API's (PUT /api/v1/voice/agents/{ext}).
	if fe := acd.CheckAgent(acd.AgentSpec{Ext: *ext, Name: *name, Password: *password, Skills: sk, Order: *order,
		New: old == nil}); fe != nil {
		return usagef("%s", strings.Join(ticket.FieldErrors(fe).Lines("--"), "; "))
	}
	*name = strings.TrimSpace(*name)
	if *name == "" {
		*name = *ext
	}
	if *password == "" {
		*password = old.Password
	}
	if *order == 0 {
		*order, _ = strconv.Atoi(*ext)
	}
	var u *store.User
	if *user != "" {
		if u, err = st.UserByUsername(ctx, *user); errors.Is(err, store.ErrNotFound) {
			return usagef("--user %q: no such user", *user)
		} else if err != nil {
			return err
		}
		if other, err := st.UserByAgentExt(ctx, *ext); err == nil && other.ID != u.ID {
			return fmt.Errorf("extension %s is already the seat of user %s", *ext, other.Username)
		}
		u.AgentExt = *ext
	}
	a := &store.VoiceAgent{Ext: *ext, Name: *name, Password: *password, Skills: sk, Order: *order}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveVoiceAgent(ctx, a); err != nil {
			return err
		}
		if u == nil {
			return nil
		}
		return tx.SaveUser(ctx, u)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "agent %s (%s) saved: skills %s\n", a.Ext, a.Name, formatSkills(sk))
	if u != nil {
		fmt.Fprintf(e.stdout, "user %s answers on %s\n", u.Username, a.Ext)
	}
	return nil
}

func formatSkills(sk map[string]int) string {
	keys := make([]string, 0, len(sk))
	for k := range sk {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", k, sk[k])
	}
	return strings.Join(parts, ",")
}

func runAgentState(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("agent state", "agent state --ext EXT ready|not-ready|signed-out", `
Ask for an agent's state: ready (示闲), not-ready (示忙) or signed-out (签出). The running
server applies it within a few seconds (an agent on a call keeps it until the call ends).`)
	var d dbFlags
	d.register(fs)
	ext := fs.String("ext", "", "extension (required)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *ext == "" {
		return usagef("--ext is required")
	}
	if fs.NArg() != 1 {
		return usagef("give the state: ready, not-ready or signed-out")
	}
	state, err := storeports.ParseState(fs.Arg(0))
	if err != nil {
		return usagef("%v", err)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.InTx(ctx, func(tx *store.Tx) error { return tx.RequestVoiceAgentState(ctx, *ext, state.String()) })
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no agent %s (hotline agent add first)", *ext)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "agent %s: %s requested\n", *ext, state)
	return nil
}

func runAgentList(ctx context.Context, e *env, args []string) error {
	st, err := openForList(ctx, e, args, "agent list", "agent list", `List the agents in seat order with their skills, the last state the call
centre reported and any state requested but not yet reported.`)
	if err != nil {
		return err
	}
	defer st.Close()
	agents, err := st.VoiceAgents(ctx)
	if err != nil {
		return err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	seatOf := map[string]string{} // extension → the login whose desk drives it
	for _, u := range users {
		if u.AgentExt != "" {
			seatOf[u.AgentExt] = u.Username
		}
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EXT\tNAME\tSKILLS\tORDER\tSTATE\tREQUESTED\tUSER")
	for _, a := range agents {
		req := a.RequestedState
		if req == "" || req == a.State {
			req = "-"
		}
		user := seatOf[a.Ext]
		if user == "" {
			user = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", a.Ext, a.Name, formatSkills(a.Skills), a.Order, a.State, req, user)
	}
	return w.Flush()
}
