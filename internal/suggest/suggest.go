// Package suggest finds the word a user most likely meant: the nearest of a
// set by edit distance, as gh, docker and git suggest "did you mean …?".
package suggest

// Nearest returns the candidate closest to typed, if one is close enough
// to be a typo of it: at most a third of the candidate's length away (at
// least 1), so "lsit" finds "list" and "logut" "logout", while "lib" is no
// typo of "list". Ties go to the earlier candidate. Candidates of one
// letter are never suggested: every short word is near them.
func Nearest(typed string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if len(c) < 2 || c == typed {
			continue
		}
		max := len(c) / 3
		if max < 1 {
			max = 1
		}
		d := Distance(typed, c)
		if d <= max && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best, bestD >= 0
}

// Distance is the optimal string alignment distance of a and b: insertions,
// deletions, substitutions and transpositions of neighbours each cost 1
// ("lsit" is 1 from "list"). It counts bytes; commands and flags are ASCII.
func Distance(a, b string) int {
	// d[i][j] is the distance of a[:i] and b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := 0; j <= len(b); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
