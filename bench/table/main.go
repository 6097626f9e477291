// Command table turns one bench/run.sh run's measurements into the Markdown
// table of bench/results.md: per (action, layout, entries) the helper's
// median time, instructions and max RSS beside the floor's, their ratios,
// the no-op's time (get) or the durable-write floor's (store),
// and issue 13's targets marked met or missed (by how much).
//
//	table -dir DIR
//
// reads, from DIR, tab-separated lines:
//
//	time.tsv   action layout entries command runs median mean p10 p90 min (ms)
//	instr.tsv  action layout entries command instructions
//	rss.tsv    action layout entries command max-RSS-KiB
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Targets of issue 13: time ratios to the floor by action and entries;
// max RSS ratio at the sizes it names.
var (
	timeTargets = map[string]map[int]float64{
		"get":   {10: 1.2, 1000: 1.5, 10000: 4},
		"store": {10: 2, 1000: 3, 10000: 10},
	}
	rssTarget = map[int]float64{10: 2, 1000: 2}
)

type key struct {
	action, layout string
	entries        int
	command        string
}

type row struct {
	action, layout string
	entries        int
}

func main() {
	dir := flag.String("dir", ".", "directory holding time.tsv, instr.tsv and rss.tsv")
	helper := flag.String("helper", "remoteyaml", "command the targets apply to")
	floor := flag.String("floor", "floor", "command the ratios are to")
	flag.Parse()

	times := map[key][]float64{}
	var rows []row
	seen := map[row]bool{}
	check(read(filepath.Join(*dir, "time.tsv"), 10, func(k key, f []string) {
		times[k] = floats(f[4:])
		r := row{k.action, k.layout, k.entries}
		if !seen[r] {
			seen[r] = true
			rows = append(rows, r)
		}
	}))
	instr := map[key]float64{}
	check(read(filepath.Join(*dir, "instr.tsv"), 5, func(k key, f []string) { instr[k] = floats(f[4:])[0] }))
	rss := map[key]float64{}
	check(read(filepath.Join(*dir, "rss.tsv"), 5, func(k key, f []string) { rss[k] = floats(f[4:])[0] }))

	fmt.Println("| action | layout | entries | helper median ms (p10–p90) | floor median ms | × floor | noop / floor-write ms | instructions helper / floor | × | max RSS KiB helper / floor | × | targets |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	met, total := 0, 0
	var misses []string
	for _, r := range rows {
		h, fl := times[key{r.action, r.layout, r.entries, *helper}], times[key{r.action, r.layout, r.entries, *floor}]
		noop := "–"
		if n, ok := times[key{r.action, r.layout, r.entries, "noop"}]; ok {
			noop = fmt.Sprintf("%.2f", n[1])
		} else if w, ok := times[key{r.action, r.layout, r.entries, "floor-write"}]; ok {
			noop = fmt.Sprintf("%.2f (helper %.2f×)", w[1], h[1]/w[1])
		}
		if h == nil || fl == nil {
			check(fmt.Errorf("no %s or %s times for %s %s %d", *helper, *floor, r.action, r.layout, r.entries))
		}
		tr := h[1] / fl[1]
		hi, fi := instr[key{r.action, r.layout, r.entries, *helper}], instr[key{r.action, r.layout, r.entries, *floor}]
		hr, fr := rss[key{r.action, r.layout, r.entries, *helper}], rss[key{r.action, r.layout, r.entries, *floor}]
		var marks []string
		name := fmt.Sprintf("%s, %s layout, %s entries", r.action, r.layout, thousands(r.entries))
		if t, ok := timeTargets[r.action][r.entries]; ok {
			total++
			if tr <= t {
				met++
				marks = append(marks, fmt.Sprintf("time ≤%g× ✅", t))
			} else {
				marks = append(marks, fmt.Sprintf("time ≤%g× ❌ (%.0f%% over)", t, 100*(tr/t-1)))
				misses = append(misses, fmt.Sprintf("%s: time %.2f× the floor, target %g× (%.0f%% over)", name, tr, t, 100*(tr/t-1)))
			}
		}
		rr := 0.0
		if fr > 0 {
			rr = hr / fr
		}
		if t, ok := rssTarget[r.entries]; ok && fr > 0 {
			total++
			if rr <= t {
				met++
				marks = append(marks, fmt.Sprintf("RSS ≤%g× ✅", t))
			} else {
				marks = append(marks, fmt.Sprintf("RSS ≤%g× ❌ (%.0f%% over)", t, 100*(rr/t-1)))
				misses = append(misses, fmt.Sprintf("%s: max RSS %.0f KiB, %.2f× the floor's %.0f KiB, target %g× (%.0f%% over)", name, hr, rr, fr, t, 100*(rr/t-1)))
			}
		}
		ir := 0.0
		if fi > 0 {
			ir = hi / fi
		}
		fmt.Printf("| %s | %s | %s | %.2f (%.2f–%.2f) | %.2f | **%.2f×** | %s | %s / %s | %.1f× | %.0f / %.0f | %.2f× | %s |\n",
			r.action, r.layout, thousands(r.entries), h[1], h[3], h[4], fl[1], tr, noop,
			mega(hi), mega(fi), ir, hr, fr, rr, strings.Join(marks, " · "))
	}
	fmt.Println()
	fmt.Printf("Targets met: %d of %d.\n", met, total)
	for _, m := range misses {
		fmt.Println("- missed:", m)
	}
}

func read(path string, fields int, each func(key, []string)) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) && filepath.Base(path) != "time.tsv" {
		return nil // not measured (BENCH_NO_CALLGRIND)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) != fields {
			return fmt.Errorf("%s: want %d fields: %q", path, fields, sc.Text())
		}
		n, err := strconv.Atoi(fs[2])
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		each(key{fs[0], fs[1], n, fs[3]}, fs)
	}
	return sc.Err()
}

func floats(fs []string) []float64 {
	out := make([]float64, len(fs))
	for i, s := range fs {
		v, err := strconv.ParseFloat(s, 64)
		check(err)
		out[i] = v
	}
	return out
}

func mega(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f M", v/1e6)
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
}
