package names

// JaroWinklerASCII is JaroWinkler of two strings the caller knows to be
// ASCII (record linkage keeps that flag per word): the same value, computed
// on their bytes by the one implementation, without the check of every byte
// that JaroWinkler makes on each call.
func JaroWinklerASCII(a, b string) float64 {
	if a == b {
		return 1
	}
	return jaroWinkler([]byte(a), []byte(b)) // short keys are copied on the stack
}
