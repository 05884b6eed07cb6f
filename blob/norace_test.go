//go:build !race

package blob_test

const raceBuild = false
