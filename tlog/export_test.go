package tlog

// ExampleEncoding is the leaf of LEAF.md's v1 example, for the tests of
// package tlog_test.
const ExampleEncoding = exampleEncoding

// ExampleV3Encoding is the leaf of LEAF.md's v3 example.
const ExampleV3Encoding = exampleV3Encoding
