// Command report turns the benchmark's hyperfine JSON exports and max-RSS
// measurements into a Markdown table with ratios to the floor and the
// issue's targets marked on the helper's rows. Rows of an -info command
// (the keyring backend) have no target: they are marked informational and
// compared with the -compare command instead.
//
//	report -dir DIR -helper NAME -floor NAME [-info NAME -compare NAME] get:10 get:1000 store:10 …
//
// reads DIR/<action>-<entries>.json (hyperfine --export-json) and DIR/rss.tsv
// (lines: action entries command maxrss-KiB).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

type result struct {
	Command string    `json:"command"`
	Mean    float64   `json:"mean"`
	Stddev  float64   `json:"stddev"`
	Median  float64   `json:"median"`
	Min     float64   `json:"min"`
	Times   []float64 `json:"times"`
}

func main() {
	dir := flag.String("dir", ".", "directory with <action>-<entries>.json and rss.tsv")
	helper := flag.String("helper", "remoteyaml", "command name the targets apply to")
	floor := flag.String("floor", "floor", "command name of the floor")
	info := flag.String("info", "", "command name of an informational row (no target; compared with -compare)")
	compare := flag.String("compare", "", "command name the -info command is compared with")
	flag.Parse()

	rss := map[string]int{}
	if f, err := os.Open(filepath.Join(*dir, "rss.tsv")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) == 4 {
				if v, err := strconv.Atoi(fs[3]); err == nil {
					rss[fs[0]+"/"+fs[1]+"/"+fs[2]] = v
				}
			}
		}
		f.Close()
	}

	fmt.Println("| action | entries | command | mean ± σ (ms) | × floor | median (ms) | median × floor | max RSS (KiB) | RSS × floor | target (on the mean) |")
	fmt.Println("|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
	met, total, noisy := 0, 0, 0
	var misses, infos []string
	for _, spec := range flag.Args() {
		action, entries, _ := strings.Cut(spec, ":")
		b, err := os.ReadFile(filepath.Join(*dir, action+"-"+entries+".json"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			continue
		}
		var doc struct{ Results []result }
		if err := json.Unmarshal(b, &doc); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			continue
		}
		var fl, cmp *result
		for i := range doc.Results {
			switch doc.Results[i].Command {
			case *floor:
				fl = &doc.Results[i]
			case *compare:
				cmp = &doc.Results[i]
			}
		}
		flRSS := rss[action+"/"+entries+"/"+*floor]
		for _, r := range doc.Results {
			ratio, medRatio, rssRatio := "—", "—", "—"
			var tr, rr float64
			if fl != nil && fl.Mean > 0 {
				tr = r.Mean / fl.Mean
				ratio = fmt.Sprintf("%.2f×", tr)
			}
			if fl != nil && fl.Median > 0 {
				medRatio = fmt.Sprintf("%.2f×", r.Median/fl.Median)
			}
			kib, ok := rss[action+"/"+entries+"/"+r.Command]
			kibs := "—"
			if ok {
				kibs = strconv.Itoa(kib)
				if flRSS > 0 {
					rr = float64(kib) / float64(flRSS)
					rssRatio = fmt.Sprintf("%.2f×", rr)
				}
			}
			target := ""
			if r.Command == *helper {
				var parts []string
				if lim := timeLimit(action, entries); lim > 0 && fl != nil {
					total++
					mr := r.Median / fl.Median
					switch {
					case tr <= lim && mr <= lim:
						met++
						parts = append(parts, fmt.Sprintf("time ≤%.1f× ✅", lim))
					case tr > lim && mr > lim:
						parts = append(parts, fmt.Sprintf("time ≤%.1f× ❌ (%s over)", lim, over(tr, lim)))
						misses = append(misses, fmt.Sprintf("%s at %s entries: %.2f× the floor (median %.2f×), target %.1f× (%s over)", action, entries, tr, mr, lim, over(tr, lim)))
					case tr <= lim:
						noisy++
						parts = append(parts, fmt.Sprintf("time ≤%.1f× ✅ on the mean, ⚠ median %.2f× (noisy)", lim, mr))
						misses = append(misses, fmt.Sprintf("%s at %s entries: met on the mean (%.2f×) but not on the median (%.2f×, target %.1f×): noisy, re-run", action, entries, tr, mr, lim))
					default:
						noisy++
						parts = append(parts, fmt.Sprintf("time ≤%.1f× ❌ (%s over), ⚠ median %.2f× meets it (noisy)", lim, over(tr, lim), mr))
						misses = append(misses, fmt.Sprintf("%s at %s entries: %.2f× the floor on the mean (%s over) but %.2f× on the median, target %.1f×: noisy, re-run", action, entries, tr, over(tr, lim), mr, lim))
					}
				}
				if ok && flRSS > 0 {
					total++
					if rr <= 2 {
						met++
						parts = append(parts, "RSS ≤2× ✅")
					} else {
						parts = append(parts, fmt.Sprintf("RSS ≤2× ❌ (%s over)", over(rr, 2)))
						misses = append(misses, fmt.Sprintf("%s at %s entries: RSS %d KiB, %.3f× the floor's %d KiB, target 2× (%s over)", action, entries, kib, rr, flRSS, over(rr, 2)))
					}
				}
				target = strings.Join(parts, " · ")
			}
			if *info != "" && r.Command == *info {
				target = "keyring backend, informational"
				sum := fmt.Sprintf("%s at %s entries: %.2f ms", action, group(entries), r.Mean*1000)
				if fl != nil && fl.Mean > 0 && fl.Median > 0 {
					sum += fmt.Sprintf(", %.2f× the floor (median %.2f×)", tr, r.Median/fl.Median)
				}
				if cmp != nil && cmp.Mean > 0 && cmp.Median > 0 {
					target += fmt.Sprintf(" · %.2f× %s (median %.2f×)", r.Mean/cmp.Mean, *compare, r.Median/cmp.Median)
					sum += fmt.Sprintf(", %.2f× %s (median %.2f×)", r.Mean/cmp.Mean, *compare, r.Median/cmp.Median)
				}
				infos = append(infos, sum)
			}
			name := r.Command
			if r.Command == *helper {
				name = "**" + name + "**"
			}
			fmt.Printf("| %s | %s | %s | %.2f ± %.2f | %s | %.2f | %s | %s | %s | %s |\n",
				action, group(entries), name, r.Mean*1000, r.Stddev*1000, ratio, r.Median*1000, medRatio, kibs, rssRatio, target)
		}
	}
	fmt.Printf("\nTargets for %s (get ≤1.3× the floor at 10 entries, ≤2× at 1,000; store ≤3×; max RSS ≤2×): %d of %d met", *helper, met, total)
	if noisy > 0 {
		fmt.Printf(", %d undecided (mean and median disagree)", noisy)
	}
	fmt.Println(".")
	for _, m := range misses {
		fmt.Println("- missed:", m)
	}
	if len(infos) > 0 {
		fmt.Printf("\n%s (the helper's keyring backend, informational: no target; ratios on the mean):\n", *info)
		for _, m := range infos {
			fmt.Println("-", m)
		}
	}
}

// over says by how much ratio exceeds limit, in percent.
func over(ratio, limit float64) string {
	p := (ratio/limit - 1) * 100
	if p < 10 {
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.0f%%", p)
}

// timeLimit is the whole-process target, as a multiple of the floor.
func timeLimit(action, entries string) float64 {
	switch {
	case action == "get" && entries == "10":
		return 1.3
	case action == "get" && entries == "1000":
		return 2
	case action == "store":
		return 3
	}
	return 0
}

func group(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 {
		return s
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}
