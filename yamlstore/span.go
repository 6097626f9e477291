package yamlstore

import (
	"bytes"
	"slices"
)

// span is where a line edit changed the text: bytes [from, to) of the old
// text, whole lines holding items index … index+items-1 of the Credentials
// sequence, whose dashes sit at byte column dash; the rest of the text is
// left as it was.
type span struct {
	from, to     int
	dash         int
	index, items int
}

// acceptSpan is accept for an edit of d's text that only replaced the
// Credentials items in sp, without decoding the whole result: at 10,000
// logins that decode was a third of a store. It holds only when d.fast:
// fastParse read d.src whole, so the text before sp is known to leave its
// parser between two items of the sequence with dashes at sp.dash, and the
// text after sp to start with what ends an item there (the next item's
// dash, a key at column 0, or the end) and to parse from there on as it
// did. What acceptSpan proves is then what accept would: that fastParse
// takes out whole and decodes it to want.
//
// It proves that out is the old text with only sp's bytes replaced, that
// the old bytes of sp are whole items equal to the old entries (so sp is
// where linePut said), and that the new bytes are whole items with their
// dashes at sp.dash, read by the very code fastParse uses (fastItems), that
// make the old entries into want's. Anything else, and the caller decodes
// the whole result.
func acceptSpan(d *Document, out []byte, sp span, want Config) (*Document, bool) {
	src, old := d.src, d.cfg.Credentials
	tail := len(src) - sp.to
	if !d.fast || sp.from <= 0 || sp.from > sp.to || sp.to > len(src) || len(out)-tail < sp.from ||
		sp.index < 0 || sp.items < 1 || sp.index+sp.items > len(old) {
		return nil, false
	}
	// Both ends at line starts, in the old text and in the new.
	if src[sp.from-1] != '\n' || (tail > 0 && src[sp.to-1] != '\n') {
		return nil, false
	}
	mid := out[sp.from : len(out)-tail]
	if tail > 0 && (len(mid) == 0 || mid[len(mid)-1] != '\n') {
		return nil, false
	}
	if !bytes.Equal(out[:sp.from], src[:sp.from]) || !bytes.Equal(out[len(out)-tail:], src[sp.to:]) {
		return nil, false
	}
	was, ok := fastItems(src[sp.from:sp.to], sp.dash)
	if !ok || !slices.Equal(was, old[sp.index:sp.index+sp.items]) {
		return nil, false
	}
	got, gotAt, ok := fastItemsAt(mid, sp.dash)
	if !ok {
		return nil, false
	}
	w, i, j := want.Credentials, sp.index, sp.index+sp.items
	if len(w) != len(old)-sp.items+len(got) || !slices.Equal(w[:i], old[:i]) ||
		!slices.Equal(w[i:i+len(got)], got) || !slices.Equal(w[i+len(got):], old[j:]) {
		return nil, false
	}
	if !sameConfig(Config{Active: want.Active, Remotes: want.Remotes}, Config{Active: d.cfg.Active, Remotes: d.cfg.Remotes}) {
		return nil, false
	}
	nd := &Document{src: out, cfg: want, lazy: true, fast: true}
	if d.seq != nil {
		// Where the items sit now: those before the span as they were,
		// the span's own as read, those after it moved by the change in
		// length.
		delta := len(out) - len(src)
		ix := &seqIndex{dash: d.seq.dash, end: d.seq.end + delta}
		ix.starts = make([]int, 0, len(d.seq.starts)-sp.items+len(gotAt))
		ix.starts = append(ix.starts, d.seq.starts[:i]...)
		for _, at := range gotAt {
			ix.starts = append(ix.starts, sp.from+at)
		}
		for _, at := range d.seq.starts[j:] {
			ix.starts = append(ix.starts, at+delta)
		}
		nd.seq = ix
	}
	return nd, true
}
