package main

import "runtime/debug"

// defaultGOGC is the garbage collector's target when GOGC is not set: the heap may
// grow to three times what is live before a collection (Go's default is twice).
// A GraphQL response allocates many small, short-lived objects, so collections
// are frequent; this halves them for a few MiB of heap. Chosen by measurement (see
// bench/README.md); GOGC and GOMEMLIMIT, when set, win as usual.
const defaultGOGC = 200

// tuneGC applies defaultGOGC unless the environment sets GOGC.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
}
