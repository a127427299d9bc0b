package capture

import (
	"errors"

	"golang.org/x/net/bpf"
)

// bpfSnaplen is what an accepting program returns: keep the whole packet.
const bpfSnaplen = 262144

// errFilterTooLong means a jump does not fit classic BPF's 8-bit offsets;
// the filter then runs in user space instead.
var errFilterTooLong = errors.New("filter too long for classic BPF")

// BPF compiles the filter to a classic BPF program for an Ethernet socket.
// An empty filter accepts everything.
func (f *Filter) BPF() ([]bpf.Instruction, error) {
	if f == nil || f.expr == nil {
		return []bpf.Instruction{bpf.RetConstant{Val: bpfSnaplen}}, nil
	}
	g := &bpfGen{}
	accept, reject := g.label(), g.label()
	g.gen(f.expr, accept, reject)
	g.place(accept)
	g.emit(bpf.RetConstant{Val: bpfSnaplen})
	g.place(reject)
	g.emit(bpf.RetConstant{Val: 0})
	return g.resolve()
}

// bpfInsn is an instruction whose conditional jump targets are labels.
type bpfInsn struct {
	ins    bpf.Instruction
	jt, jf int // labels; used when cond
	cond   bool
}

type bpfGen struct {
	code   []bpfInsn
	labels []int // label -> instruction index
}

func (g *bpfGen) label() int {
	g.labels = append(g.labels, -1)
	return len(g.labels) - 1
}

func (g *bpfGen) place(l int) { g.labels[l] = len(g.code) }

func (g *bpfGen) emit(i bpf.Instruction) { g.code = append(g.code, bpfInsn{ins: i}) }

// gen emits code that jumps to label t when e matches and to f otherwise.
func (g *bpfGen) gen(e expr, t, f int) {
	switch e := e.(type) {
	case andExpr:
		mid := g.label()
		g.gen(e.l, mid, f)
		g.place(mid)
		g.gen(e.r, t, f)
	case orExpr:
		mid := g.label()
		g.gen(e.l, t, mid)
		g.place(mid)
		g.gen(e.r, t, f)
	case notExpr:
		g.gen(e.x, f, t)
	case cmpExpr:
		if e.ipv4Transport {
			g.emit(bpf.LoadMemShift{Off: ethHeaderLen})
			g.emit(bpf.LoadIndirect{Off: ethHeaderLen + e.off, Size: e.size})
		} else {
			g.emit(bpf.LoadAbsolute{Off: e.off, Size: e.size})
		}
		if e.mask != 0 {
			g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: e.mask})
		}
		g.code = append(g.code, bpfInsn{ins: bpf.JumpIf{Cond: bpf.JumpEqual, Val: e.val}, jt: t, jf: f, cond: true})
	}
}

func (g *bpfGen) resolve() ([]bpf.Instruction, error) {
	out := make([]bpf.Instruction, len(g.code))
	for i, c := range g.code {
		if !c.cond {
			out[i] = c.ins
			continue
		}
		jt, jf := g.labels[c.jt]-i-1, g.labels[c.jf]-i-1
		if jt < 0 || jf < 0 || jt > 255 || jf > 255 {
			return nil, errFilterTooLong
		}
		j := c.ins.(bpf.JumpIf)
		j.SkipTrue, j.SkipFalse = uint8(jt), uint8(jf)
		out[i] = j
	}
	return out, nil
}
