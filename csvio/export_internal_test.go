package csvio

// RefPtrs lets the external tests translate references between databases.
var RefPtrs = refPtrs
