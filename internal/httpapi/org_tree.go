package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/org"
)

type departmentNode struct {
	org.Department
	Children []departmentNode `json:"children,omitempty"`
}

type regionNode struct {
	org.Region
	Children []regionNode `json:"children,omitempty"`
}

type categoryNode struct {
	org.Category
	Path     []string       `json:"path" doc:"names from the top level down"`
	Children []categoryNode `json:"children,omitempty"`
}

// nest lists items flat (children nil) or, with tree, as nested roots. A node whose parent is
// missing is shown as a root rather than lost.
func nest[T org.Node, N any](items []T, tree bool, mk func(T, []N) N) []N {
	out := []N{}
	if !tree {
		for _, it := range items {
			out = append(out, mk(it, nil))
		}
		return out
	}
	t := org.NewTree(items)
	seen := map[string]bool{}
	var build func(id string) N
	build = func(id string) N {
		seen[id] = true
		n, _ := t.Get(id)
		var kids []N
		for _, c := range t.Children(id) {
			if !seen[c] {
				kids = append(kids, build(c))
			}
		}
		return mk(n, kids)
	}
	for _, it := range items {
		if _, hasParent := t.Get(it.NodeParent()); !hasParent && !seen[it.NodeID()] {
			out = append(out, build(it.NodeID()))
		}
	}
	return out
}

func wantTree(r *http.Request) bool {
	b, _ := strconv.ParseBool(r.URL.Query().Get("tree"))
	return b
}
