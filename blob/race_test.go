//go:build race

package blob_test

// raceBuild: the race detector keeps shadow memory for every allocation,
// about doubling what a Put's buffers add to the resident set.
const raceBuild = true
