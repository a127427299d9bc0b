package labs

import (
	"fmt"
	"maps"
	"sort"
	"strings"
)

// ifKey names one interface: the node it is on and its name.
type ifKey struct{ node, name string }

// world is what exists at one point of a lab: its nodes, each node's
// interfaces and which interfaces are the two ends of a veth pair (deleting
// one end, or the namespace holding it, deletes the other).
type world struct {
	ifaces map[string]map[string]bool
	order  []string // node names in the order they appeared
	peer   map[ifKey]ifKey
	gone   map[ifKey]pos // where an interface was last deleted, for errors

	// seen and seenNodes hold every interface and node that existed at
	// some point since the last mark: a step's captures may name an
	// interface the step itself creates.
	seen      map[ifKey]bool
	seenNodes map[string]bool

	// alias maps a name that shares a node's namespace to that node (the
	// lab's aliases: Docker's --network container:NAME and host).
	alias map[string]string

	// names holds, by node, the host names (lower case) the node
	// resolves: its names: entries and the lines "echo ... >> /etc/hosts"
	// added.
	names map[string]map[string]bool

	// Each lab host has its own "ip netns" names, as the engine keeps
	// them: hosts holds the lab hosts, hostOf the host of each namespace,
	// and local the name of a namespace whose id is qualified
	// ("NAME@HOST": another host had taken the name).
	hosts  map[string]bool
	hostOf map[string]string
	local  map[string]string
}

func newWorld(hosts []string, aliases map[string]string) *world {
	w := &world{ifaces: map[string]map[string]bool{}, peer: map[ifKey]ifKey{}, gone: map[ifKey]pos{}, alias: aliases, names: map[string]map[string]bool{},
		hosts: map[string]bool{}, hostOf: map[string]string{}, local: map[string]string{}}
	w.mark()
	for _, h := range hosts {
		w.addNode(h)
		w.hosts[h] = true
	}
	return w
}

// mark starts a new seen period with what exists now.
func (w *world) mark() {
	w.seen, w.seenNodes = map[ifKey]bool{}, map[string]bool{}
	for n, set := range w.ifaces {
		w.seenNodes[n] = true
		for i := range set {
			w.seen[ifKey{n, i}] = true
		}
	}
}

// canon is the node a name stands for: itself, or the node an alias
// shares the namespace of. A namespace of the alias's own name, should a
// step create one, wins, as it does in the engine.
//
// A name a lab file gives for a node outside any command (a step's node:,
// a capture target, names:) may also be "NAME@HOST", a namespace of that
// host, or a bare namespace name of the first host, or of the only host
// that has one of that name, as netlab's command line takes it.
func (w *world) canon(node string) string {
	if of, ok := w.alias[node]; ok && w.ifaces[node] == nil {
		return of
	}
	if w.ifaces[node] != nil || len(w.hosts) < 2 {
		return node
	}
	if i := strings.LastIndexByte(node, '@'); i > 0 && w.hosts[node[i+1:]] {
		if id, ok := w.netnsOn(node[i+1:], node[:i]); ok {
			return id
		}
	}
	if len(w.order) > 0 {
		if id, ok := w.netnsOn(w.order[0], node); ok {
			return id
		}
	}
	var found []string
	for _, id := range w.order {
		if !w.hosts[id] && w.localName(id) == node {
			found = append(found, id)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return node
}

// localName is a namespace's "ip netns" name on its host.
func (w *world) localName(id string) string {
	if l, ok := w.local[id]; ok {
		return l
	}
	return id
}

// host is the lab host a node belongs to.
func (w *world) host(id string) string {
	if h, ok := w.hostOf[id]; ok {
		return h
	}
	return id
}

// netnsOn is the namespace that "ip netns" on host calls name.
func (w *world) netnsOn(host, name string) (string, bool) {
	for _, id := range w.order {
		if !w.hosts[id] && w.localName(id) == name && w.host(id) == host {
			return id, true
		}
	}
	return "", false
}

// named is the node that "ip netns" run on node calls name: a namespace
// of node's host, or a lab host (in a one-host lab, any node), as the
// engine resolves it. Aliases are not namespace files.
func (w *world) named(node, name string) (string, bool) {
	if id, ok := w.netnsOn(w.host(w.canon(node)), name); ok {
		return id, true
	}
	if w.ifaces[name] != nil && (w.hosts[name] || len(w.hosts) < 2) {
		return name, true
	}
	return "", false
}

// from is the node a command run on node reaches as "ip netns exec NAME"
// or "netns NAME": named, or an alias.
func (w *world) from(node, name string) (string, bool) {
	if id, ok := w.named(node, name); ok {
		return id, true
	}
	if of, ok := w.alias[name]; ok && w.has(of) {
		return of, true
	}
	return "", false
}

// elsewhere names the other hosts that have a namespace called name, for
// an error on the wrong host.
func (w *world) elsewhere(node, name string) []string {
	var hosts []string
	for _, id := range w.order {
		if !w.hosts[id] && w.localName(id) == name && w.host(id) != w.host(w.canon(node)) {
			hosts = append(hosts, w.host(id))
		}
	}
	return hosts
}

// unknownNs is the error for a namespace name a command run on node does
// not reach.
func (w *world) unknownNs(node, name string) string {
	return fmt.Sprintf("unknown namespace %q: create it first with \"ip netns add %s\" (nodes here: %s)%s", name, name, w.list(), w.onHosts(node, name))
}

// onHosts says, when other lab hosts have a namespace of that name, that
// this command runs on another one.
func (w *world) onHosts(node, name string) string {
	hosts := w.elsewhere(node, name)
	if len(hosts) == 0 {
		return ""
	}
	return fmt.Sprintf("; %q is a namespace of %s, and this command runs on %s: each lab host has its own ip netns names", name, strings.Join(hosts, ", "), w.host(w.canon(node)))
}

// addNetns adds the namespace "ip netns add NAME" makes on node's host and
// returns its id: the name, or NAME@HOST when another host has the name,
// as the engine names it.
func (w *world) addNetns(node, name string) string {
	h := w.host(w.canon(node))
	id := name
	if w.ifaces[id] != nil {
		id = name + "@" + h
		w.local[id] = name
	}
	w.ifaces[id] = map[string]bool{} // not addNode: the id may canon to another host's
	w.order = append(w.order, id)
	w.seenNodes[id] = true
	w.hostOf[id] = h
	w.addIface(id, "lo")
	return id
}

func (w *world) has(node string) bool { return w.ifaces[w.canon(node)] != nil }

func (w *world) hasIface(node, iface string) bool { return w.ifaces[w.canon(node)][iface] }

func (w *world) addNode(node string) {
	if w.has(node) {
		return
	}
	w.ifaces[node] = map[string]bool{}
	w.order = append(w.order, node)
	w.seenNodes[node] = true
	w.addIface(node, "lo")
}

// delNode removes a namespace with its interfaces; the veth peers of those
// interfaces in other namespaces go with them, as the kernel does it.
func (w *world) delNode(node string, at pos) {
	for i := range w.ifaces[node] {
		w.delIface(node, i, at)
	}
	delete(w.ifaces, node)
	delete(w.names, node)
	delete(w.hostOf, node)
	delete(w.local, node)
	for i, n := range w.order {
		if n == node {
			w.order = append(w.order[:i:i], w.order[i+1:]...)
			break
		}
	}
}

func (w *world) addIface(node, iface string) {
	if w.has(node) {
		w.ifaces[node][iface] = true
		w.seen[ifKey{node, iface}] = true
	}
}

// addPair adds both ends of a veth pair.
func (w *world) addPair(a, b ifKey) {
	w.addIface(a.node, a.name)
	w.addIface(b.node, b.name)
	if w.hasIface(a.node, a.name) && w.hasIface(b.node, b.name) {
		w.peer[a], w.peer[b] = b, a
	}
}

// delIface deletes an interface, and its veth peer with it.
func (w *world) delIface(node, iface string, at pos) {
	k := ifKey{node, iface}
	if !w.hasIface(node, iface) {
		return
	}
	delete(w.ifaces[node], iface)
	w.gone[k] = at
	if p, ok := w.peer[k]; ok {
		delete(w.peer, k)
		delete(w.peer, p)
		if w.hasIface(p.node, p.name) {
			delete(w.ifaces[p.node], p.name)
			w.gone[p] = at
		}
	}
}

// move renames an interface or moves it to another node, keeping its
// veth pairing.
func (w *world) move(from, to ifKey) {
	if !w.hasIface(from.node, from.name) || !w.has(to.node) {
		return
	}
	delete(w.ifaces[from.node], from.name)
	w.addIface(to.node, to.name)
	if p, ok := w.peer[from]; ok {
		delete(w.peer, from)
		w.peer[to], w.peer[p] = p, to
	}
}

func (w *world) clone() *world {
	c := &world{ifaces: map[string]map[string]bool{}, order: append([]string(nil), w.order...),
		peer: map[ifKey]ifKey{}, gone: map[ifKey]pos{}, seen: map[ifKey]bool{}, seenNodes: map[string]bool{}}
	for n, set := range w.ifaces {
		c.ifaces[n] = map[string]bool{}
		for i := range set {
			c.ifaces[n][i] = true
		}
	}
	for k, v := range w.peer {
		c.peer[k] = v
	}
	for k, v := range w.gone {
		c.gone[k] = v
	}
	c.hosts, c.hostOf, c.local = maps.Clone(w.hosts), maps.Clone(w.hostOf), maps.Clone(w.local)
	c.names = map[string]map[string]bool{}
	for n, set := range w.names {
		c.names[n] = map[string]bool{}
		for name := range set {
			c.names[n][name] = true
		}
	}
	return c
}

// addName records a host name the node resolves from now on.
func (w *world) addName(node, name string) {
	if !w.has(node) {
		return
	}
	node = w.canon(node)
	if w.names[node] == nil {
		w.names[node] = map[string]bool{}
	}
	w.names[node][strings.ToLower(name)] = true
}

// hasName reports whether the node resolves a host name: "localhost"
// always, others once given.
func (w *world) hasName(node, name string) bool {
	name = strings.ToLower(name)
	return name == "localhost" || w.names[w.canon(node)][name]
}

// list names the nodes, for errors.
func (w *world) list() string { return strings.Join(w.order, ", ") }

// ifaceList names a node's interfaces, for errors.
func (w *world) ifaceList(node string) string {
	var names []string
	for i := range w.ifaces[w.canon(node)] {
		names = append(names, i)
	}
	if len(names) == 0 {
		return "nothing"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
