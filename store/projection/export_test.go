package projection

// Test hooks, visible only to this package's tests.

// SetFailpoint makes r call f at the named points of its write protocol
// ("live:after-state", "rebuild:before-progress", "rebuild:before-complete",
// "rebuild:before-swap", "rebuild:after-swap"); when f returns an error the projection stops at
// once, writing nothing more, as if the process had been killed there. Set
// it before Start.
func SetFailpoint(r *Runner, f func(projection, point string) error) { r.failpoint = f }

// EncodeName exposes the key-to-file-name encoding.
var EncodeName = encodeName
