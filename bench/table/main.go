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
//
// and, when present, prints two more tables (issue 20):
//
//	contention.tsv  name value (bench/storm's output)
//	startup.tsv     package instructions max-RSS-KiB size-bytes (bench/noop
//	                importing it; the first line is the bare noop)
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

// Targets of issues 13 and 20: time ratios to the floor by action and
// entries; max RSS ratio at the sizes it names.
var (
	timeTargets = map[string]map[int]float64{
		"get":   {10: 1.2, 1000: 1.5, 10000: 4},
		"store": {10: 2, 1000: 3, 10000: 10},
		"list":  {10: 1.25, 1000: 1.6},
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
	cm, ct, cmiss := contention(filepath.Join(*dir, "contention.tsv"))
	met, total, misses = met+cm, total+ct, append(misses, cmiss...)
	startup(filepath.Join(*dir, "startup.tsv"))
	fmt.Println()
	fmt.Printf("Targets met: %d of %d.\n", met, total)
	for _, m := range misses {
		fmt.Println("- missed:", m)
	}
}

// contention prints bench/storm's figures beside issue 20's targets.
func contention(path string) (met, total int, misses []string) {
	v := map[string]string{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, 0, nil
	}
	check(err)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, val, _ := strings.Cut(l, "\t")
		v[k] = val
	}
	num := func(k string) float64 {
		f, err := strconv.ParseFloat(v[k], 64)
		check(err)
		return f
	}
	mark := func(name string, ok bool, got, target string) string {
		total++
		if ok {
			met++
			return "✅"
		}
		misses = append(misses, fmt.Sprintf("contention: %s %s, target %s", name, got, target))
		return "❌"
	}
	fmt.Println()
	fmt.Println("Contention (apptainer layout, 10 logins): 64 stores of distinct logins started at once while 8 readers run gets,")
	fmt.Println("the helper's and the floor's by turns; against the same 64 stores one after another. Medians over the rounds.")
	fmt.Println()
	fmt.Println("| figure | measured | target | |")
	fmt.Println("|---|---:|---:|---|")
	landed, started, _ := strings.Cut(v["landed"], "/")
	fmt.Printf("| stores that landed | %s of %s | all | %s |\n", landed, started, mark("stores landed", landed == started, v["landed"], "all"))
	r := num("ratio")
	fmt.Printf("| wall: storm / sequential (%s ms / %s ms) | %.2f× | ≤1.5× | %s |\n", v["storm-ms"], v["seq-ms"], r,
		mark("wall time of the storm", r <= 1.5, fmt.Sprintf("%.2f× the sequential stores' (without readers: %.2f×)", r, num("alone-ratio")), "1.5×"))
	fmt.Printf("| wall: the same storm without readers / sequential (%s ms / %s ms): what the lock alone costs | %.2f× | – | |\n",
		v["alone-ms"], v["seq-ms"], num("alone-ratio"))
	p := num("storm-p99-ms") / num("idle-p50-ms")
	fmt.Printf("| helper get p99 during the storm / idle median (%s ms / %s ms; idle p99 %s ms) | %.2f× | ≤3× | %s |\n",
		v["storm-p99-ms"], v["idle-p50-ms"], v["idle-p99-ms"], p,
		mark("p99 get during the storm", p <= 3, fmt.Sprintf("%.2f× an idle get (the floor's: %.2f×)", p, num("floor-storm-p99-ms")/num("floor-idle-p50-ms")), "3×"))
	fmt.Printf("| floor get p99 during the storm / idle median (%s ms / %s ms): what sharing 2 cores with 72 processes costs any reader | %.2f× | – | |\n",
		v["floor-storm-p99-ms"], v["floor-idle-p50-ms"], num("floor-storm-p99-ms")/num("floor-idle-p50-ms"))
	fmt.Printf("| helper get median during the storm | %s ms | – | %s gets |\n", v["storm-p50-ms"], v["gets"])
	return met, total, misses
}

// startup prints what each package's init adds to a program that does
// nothing, in instructions, and the max RSS and size of that program.
func startup(path string) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return
	}
	check(err)
	ls := strings.Split(strings.TrimSpace(string(data)), "\n")
	fmt.Println()
	fmt.Println("Start-up: callgrind's instructions of bench/noop importing one package, less the bare noop's (the package's init")
	fmt.Println("and that of its dependencies the runtime does not already have; shared ones count in each row), and that")
	fmt.Println("program's max RSS (GNU time, largest of the RSS runs) and size: what importing the package costs a process")
	fmt.Println("that does nothing else.")
	fmt.Println()
	fmt.Println("| package | instructions | added by the import | max RSS KiB | added | binary KiB |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	var base []float64
	for i, l := range ls {
		fs := strings.Split(l, "\t")
		if len(fs) != 4 {
			check(fmt.Errorf("%s: want 4 fields: %q", path, l))
		}
		f := floats(fs[1:])
		if i == 0 {
			base = f
			fmt.Printf("| %s | %s | – | %s | – | %s |\n", fs[0], thousands(int(f[0])), thousands(int(f[1])), thousands(int(f[2])/1024))
			continue
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", fs[0], thousands(int(f[0])), thousands(int(f[0]-base[0])),
			thousands(int(f[1])), thousands(int(f[1]-base[1])), thousands(int(f[2])/1024))
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
	if n < 0 {
		return "-" + thousands(-n)
	}
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
