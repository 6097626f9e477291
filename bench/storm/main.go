// Command storm measures the helper under contention (issue 20): many
// processes storing distinct logins at once while others read.
//
//	storm -helper BIN -floor BIN -get FILE [-stores 64] [-readers 8] [-rounds 5] [-idle 50]
//
// APPTAINER_CONFIGDIR (from the environment) names the remote.yaml the
// helper uses; FILE holds the server URL of a login it has. Each round,
// taking turns as bench/timer does:
//
//   - idle: -idle gets of the helper and of the floor, one at a time;
//   - sequential: -stores stores of new logins one after another, timed
//     as a whole, then erased (untimed);
//   - storm: the same stores all started at once while -readers readers
//     run gets back to back, each alternating the helper and the floor
//     (the floor's times show what sharing the CPU alone costs); timed
//     from the first start to the last store's exit. Then every stored
//     login is read back (each must be there, with its user name) and
//     the logins are erased (untimed);
//   - storm without readers: the same again with no reader, to tell what
//     the lock costs from what sharing the CPU with the readers costs.
//
// Output, tab-separated lines for bench/table's contention.tsv:
//
//	seq-ms      median over rounds of the sequential stores' wall time
//	storm-ms    median over rounds of the storm's wall time
//	ratio       median over rounds of storm / sequential
//	alone-ms alone-ratio   the same for the storm without readers
//	landed      stores found afterwards / stores started, all rounds
//	idle-p50-ms idle-p99-ms storm-p50-ms storm-p99-ms   the helper's gets
//	floor-idle-p50-ms floor-storm-p99-ms                the floor's gets
//	gets        how many gets the readers ran during the storms
//
// Every process must exit 0; a store or get that fails stops the run.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	helper := flag.String("helper", "", "the helper binary")
	floor := flag.String("floor", "", "the floor binary")
	getFile := flag.String("get", "", "file holding the server URL of an existing login")
	stores := flag.Int("stores", 64, "processes storing at once")
	readers := flag.Int("readers", 8, "readers during the storm")
	rounds := flag.Int("rounds", 5, "rounds")
	idle := flag.Int("idle", 50, "idle gets per round")
	flag.Parse()
	if *helper == "" || *floor == "" || *getFile == "" {
		fail(fmt.Errorf("-helper, -floor and -get are required"))
	}
	host, err := os.ReadFile(*getFile)
	if err != nil {
		fail(err)
	}
	s := &storm{helper: *helper, floor: *floor, host: host}

	var seq, wall, ratio, alone, aloneRatio []float64
	var idleH, idleF, stormH, stormF []float64
	landed, started := 0, 0
	for r := 0; r < *rounds; r++ {
		for i := 0; i < *idle; i++ {
			idleH = append(idleH, s.get(s.helper))
			idleF = append(idleF, s.get(s.floor))
		}
		logins := make([]string, *stores)
		for i := range logins {
			logins[i] = fmt.Sprintf("storm%02d-%03d.example.com:5000", r, i)
		}
		t0 := time.Now()
		for _, l := range logins {
			s.store(l)
		}
		sq := ms(time.Since(t0))
		s.erase(logins)

		for i := range logins {
			logins[i] = fmt.Sprintf("storm%02d-%03d.example.org:5000", r, i)
		}
		w, h, f := s.storm(logins, *readers)
		stormH, stormF = append(stormH, h...), append(stormF, f...)
		started += len(logins)
		landed += s.landed(logins)
		s.erase(logins)

		for i := range logins {
			logins[i] = fmt.Sprintf("storm%02d-%03d.example.net:5000", r, i)
		}
		a, _, _ := s.storm(logins, 0)
		started += len(logins)
		landed += s.landed(logins)
		s.erase(logins)
		seq, wall, ratio = append(seq, sq), append(wall, w), append(ratio, w/sq)
		alone, aloneRatio = append(alone, a), append(aloneRatio, a/sq)
	}
	fmt.Printf("seq-ms\t%.1f\nstorm-ms\t%.1f\nratio\t%.3f\nlanded\t%d/%d\n", median(seq), median(wall), median(ratio), landed, started)
	fmt.Printf("alone-ms\t%.1f\nalone-ratio\t%.3f\n", median(alone), median(aloneRatio))
	fmt.Printf("idle-p50-ms\t%.2f\nidle-p99-ms\t%.2f\nstorm-p50-ms\t%.2f\nstorm-p99-ms\t%.2f\n",
		pct(idleH, 50), pct(idleH, 99), pct(stormH, 50), pct(stormH, 99))
	fmt.Printf("floor-idle-p50-ms\t%.2f\nfloor-storm-p99-ms\t%.2f\ngets\t%d\n", pct(idleF, 50), pct(stormF, 99), len(stormH))
}

type storm struct {
	helper, floor string
	host          []byte
}

// run starts bin with one argument and stdin, waits, and fails the run on
// a non-zero exit.
func run(bin, arg string, stdin []byte) []byte {
	cmd := exec.Command(bin, arg)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		fail(fmt.Errorf("%s %s: %v: %s", bin, arg, err, out))
	}
	return out
}

func (s *storm) get(bin string) float64 {
	t0 := time.Now()
	run(bin, "get", s.host)
	return ms(time.Since(t0))
}

func login(host string) []byte {
	return []byte(fmt.Sprintf(`{"ServerURL":"%s","Username":"u-%s","Secret":"s-%s"}`, host, user(host), host))
}

func (s *storm) store(host string) { run(s.helper, "store", login(host)) }

func (s *storm) erase(hosts []string) {
	for _, h := range hosts {
		run(s.helper, "erase", []byte(h))
	}
}

// storm starts every store at once and readers reading until the last
// store exits; it returns the wall time and the readers' get times.
func (s *storm) storm(hosts []string, readers int) (wall float64, helperGets, floorGets []float64) {
	var mu sync.Mutex
	done := make(chan struct{})
	var rw sync.WaitGroup
	for i := 0; i < readers; i++ {
		rw.Add(1)
		go func(i int) {
			defer rw.Done()
			bins := []string{s.helper, s.floor}
			for n := i; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				bin := bins[n%2]
				t := s.get(bin)
				mu.Lock()
				if bin == s.helper {
					helperGets = append(helperGets, t)
				} else {
					floorGets = append(floorGets, t)
				}
				mu.Unlock()
			}
		}(i)
	}
	cmds := make([]*exec.Cmd, len(hosts))
	outs := make([]*bytes.Buffer, len(hosts))
	t0 := time.Now()
	for i, h := range hosts {
		cmds[i] = exec.Command(s.helper, "store")
		cmds[i].Stdin = bytes.NewReader(login(h))
		outs[i] = &bytes.Buffer{}
		cmds[i].Stdout = outs[i]
		if err := cmds[i].Start(); err != nil {
			fail(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			fail(fmt.Errorf("store %s during the storm: %v: %s", hosts[i], err, outs[i]))
		}
	}
	wall = ms(time.Since(t0))
	close(done)
	rw.Wait()
	return wall, helperGets, floorGets
}

// landed counts the stored logins the helper gives back with their user.
func (s *storm) landed(hosts []string) int {
	n := 0
	for _, h := range hosts {
		cmd := exec.Command(s.helper, "get")
		cmd.Stdin = strings.NewReader(h)
		out, err := cmd.Output()
		if err == nil && strings.Contains(string(out), `"Username":"u-`+user(h)+`"`) {
			n++
		}
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 { return pct(v, 50) }

func pct(v []float64, p int) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	i := (len(v)*p + 99) / 100
	if i > 0 {
		i--
	}
	return v[i]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "storm:", err)
	os.Exit(1)
}

// user is the login's user name: its host without the port (a user name
// holds no ':').
func user(host string) string { return strings.ReplaceAll(host, ":", "_") }
