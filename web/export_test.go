package web

// SetPagesMaxAnswer lowers the largest answer kept within the page cache's
// budget, so that a test sees a big answer without making megabytes.
func SetPagesMaxAnswer(s *Server, n int) { s.pages.maxAnswer = n }
