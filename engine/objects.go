package engine

// object is one kind of kernel state a lab node holds. Each has one file,
// op_<object>.go, that holds the actions changing it (run, check,
// decides), reads it into a snapshot, lists its facts (the comparable
// lines a diff and the "what changed" text are made of) and restores it
// when undo brings the kernel back to a snapshot. The snapshot types
// themselves stay together in snapshot.go, since they are the layout of
// state.json.
//
// Adding a kind of kernel state is a new op file (object and one of the
// restorers), its fields in NodeSnap, a line in objects and its kind in
// changeKinds. TestObjectsRestoreOrder holds the restore order.
type object interface {
	// kind is the Change kind of the object's facts; it places the
	// object among changeKinds, the order a node is read and listed in.
	kind() string
	// read fills in the object's part of one node's snapshot.
	read(r *nodeReader, ns *NodeSnap) error
	// facts lists the object's comparable lines of node n; learned adds
	// what the kernel learns and settles by itself (see Snapshot.Learned).
	facts(node string, n *NodeSnap, learned bool) []fact
}

// A labRestorer restores its object over the whole lab at once, because
// its state spans nodes (a veth has an end in each of two) or must be set
// everywhere before it holds (neighbours). A fatal error is returned;
// others are given to rc.fail and the reconciliation goes on.
type labRestorer interface {
	restoreLab(rc *reconciler) error
}

// A nodeRestorer restores its object in one node. Consecutive ones in
// objects are restored node by node: all of the first node's, then all
// of the next one's. Errors are handled as labRestorer's.
type nodeRestorer interface {
	restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error
}

// objects lists every kind of state once, in the order undo restores
// them (see reconcile): namespaces, links, then per node its addresses,
// routes, forwarding entries, sysctls, iptables, servers and names, and neighbours last. Snapshots read and
// list them in another order, changeKinds's.
var objects = []object{
	netnsObject{},
	linkObject{},
	addrObject{},
	routeObject{},
	fdbObject{},
	sysctlObject{},
	iptablesObject{},
	serverObject{},
	namesObject{},
	neighObject{},
}

// changeKinds are the kinds of Change in the order a node's state is read
// into a snapshot and its changes are listed: the node, its links (each
// followed by its addresses, as "ip addr" shows them), routes,
// neighbours, forwarding entries, iptables, sysctls, the servers listening and the names the
// node resolves.
var changeKinds = []string{"node", "link", "addr", "route", "neigh", "fdb", "iptables", "sysctl", "listen", "name"}

// listed is objects in changeKinds's order.
var listed = func() []object {
	var out []object
	for _, k := range changeKinds {
		for _, o := range objects {
			if o.kind() == k {
				out = append(out, o)
			}
		}
	}
	return out
}()
