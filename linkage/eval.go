package linkage

// Scores are pairwise precision, recall and F1: a pair of records is
// predicted linked when they share a cluster, and truly linked when they
// share an entity in the ground truth.
type Scores struct {
	TruePairs, PredictedPairs, Correct int64
	Precision, Recall, F1              float64
}

// Evaluate scores clusters (one per record) against truth (one entity label
// per record).
func Evaluate(clusters []int32, truth []string) Scores {
	type cell struct {
		c int32
		t string
	}
	byC, byT, both := map[int32]int64{}, map[string]int64{}, map[cell]int64{}
	for i, c := range clusters {
		byC[c]++
		byT[truth[i]]++
		both[cell{c, truth[i]}]++
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	var s Scores
	for _, n := range byC {
		s.PredictedPairs += pairs(n)
	}
	for _, n := range byT {
		s.TruePairs += pairs(n)
	}
	for _, n := range both {
		s.Correct += pairs(n)
	}
	if s.PredictedPairs > 0 {
		s.Precision = float64(s.Correct) / float64(s.PredictedPairs)
	}
	if s.TruePairs > 0 {
		s.Recall = float64(s.Correct) / float64(s.TruePairs)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}
