// Package buildinfo reports the version of this module in the running
// binary, for --version flags and the OpenTelemetry instrumentation scope.
package buildinfo

import "runtime/debug"

// ModulePath is the import path of this module.
const ModulePath = "github.com/opossum-go/opossum"

// Version returns the version of this module in the running binary, as the
// go command recorded it: a release tag ("v1.2.0"), a pseudo-version
// derived from the commit ("v0.0.0-20260102150405-abcdef012345", with
// "+dirty" for uncommitted changes), or "(devel)" when the build had no
// version control information. A program that imports the module reports
// the version it depends on. Version never returns an empty string.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	return From(bi)
}

// From returns the version of this module that bi records (see Version).
func From(bi *debug.BuildInfo) string {
	v := ""
	if bi.Main.Path == ModulePath {
		v = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == ModulePath {
			v = d.Version
			if d.Replace != nil && d.Replace.Version != "" {
				v = d.Replace.Version
			}
		}
	}
	if v == "" {
		return "(devel)"
	}
	return v
}
