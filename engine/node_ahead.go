package engine

// readAhead starts reading, on a goroutine of its own, what the nodes'
// views (node_view.go) lack after a step changed the lab, so that the
// next snapshot finds them fresh instead of reading the kernel itself.
// It runs while the step's state is written and the caller goes on; in
// the TUI the student reads the step's outcome meanwhile, and the next
// step starts with nothing left to read.
//
// It reads only through what the session's nodes hold already (handles,
// views, open files, sockets, each safe to share), never makes or drops
// one, and changes nothing; whatever would make or drop one, or start
// another read of the lab, waits for it first (awaitAhead).
func (s *Session) readAhead() {
	s.awaitAhead()
	var ctxs []*execCtx
	var views []*nodeView
	nodes := append([]Node(nil), s.st.Nodes...)
	for i := range nodes {
		h, ok := s.handles[nodes[i].Name]
		c := s.caches[nodes[i].Name]
		if !ok || c == nil || c.view == nil {
			return // a node without a handle yet: the snapshot makes it
		}
		ctxs = append(ctxs, &execCtx{s: s, node: &nodes[i], h: h})
		views = append(views, c.view)
	}
	epoch := s.viewEpoch
	done := make(chan struct{})
	s.ahead = done
	go func() {
		defer close(done)
		holds := beginAll(nodes, views, epoch)
		eachNode(len(ctxs), func(i int) error {
			x, v := ctxs[i], views[i]
			r := &nodeReader{s: s, x: x, node: x.node}
			if holds[i] {
				r.links = v.links
			} else {
				nl, err := x.settledLinks()
				if err != nil {
					return nil // the snapshot will read it, and say why
				}
				nsids, err := s.peerIDs(x, nodes, i, nl.links)
				if err != nil {
					return nil
				}
				if nl.settled {
					v.keep(viewLinks, func(v *nodeView) { v.links, v.nsids = nl, nsids })
				}
				r.links = nl
			}
			r.ports()
			r.routeList()
			r.neighList()
			r.fdbList()
			return nil
		})
	}()
}

// awaitAhead waits until a read started by readAhead has ended.
func (s *Session) awaitAhead() {
	if s.ahead != nil {
		<-s.ahead
		s.ahead = nil
	}
}
