package engine

import (
	"fmt"
	"testing"
)

// The restore order was hard-won (see reconcile): namespaces, links, then
// node by node addresses (after the links settle), routes, sysctls
// (global forwarding switches reset per-interface ones) and iptables, and
// neighbours last, once everything else holds.
func TestObjectsRestoreOrder(t *testing.T) {
	var got []string
	for _, o := range objects {
		_, lab := o.(labRestorer)
		_, node := o.(nodeRestorer)
		if lab == node {
			t.Errorf("%s must restore either over the lab or per node", o.kind())
		}
		scope := "node"
		if lab {
			scope = "lab"
		}
		got = append(got, o.kind()+"/"+scope)
	}
	want := "[node/lab link/lab addr/node route/node fdb/node sysctl/node iptables/node listen/node name/node neigh/lab]"
	if s := fmt.Sprint(got); s != want {
		t.Errorf("restore order %s, want %s", s, want)
	}
}

// Every object is read and listed once, in changeKinds's order.
func TestObjectsListed(t *testing.T) {
	if len(listed) != len(objects) || len(changeKinds) != len(objects) {
		t.Fatalf("%d objects, %d listed, %d change kinds", len(objects), len(listed), len(changeKinds))
	}
	for i, o := range listed {
		if o.kind() != changeKinds[i] {
			t.Errorf("listed[%d] is %s, want %s", i, o.kind(), changeKinds[i])
		}
	}
}
