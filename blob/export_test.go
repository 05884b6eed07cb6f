package blob

// SetMaxCopy sets the largest object s copies in one request, so a test can
// take the multipart copy that objects over 5 GiB take.
func SetMaxCopy(s *S3Store, n int64) { s.maxCopy = n }
