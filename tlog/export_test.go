package tlog

// ExampleEncoding is the leaf of LEAF.md's v1 example, for the tests of
// package tlog_test.
const ExampleEncoding = exampleEncoding
