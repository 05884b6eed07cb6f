package mse

import "fmt"

var fmtSscan = fmt.Sscan
