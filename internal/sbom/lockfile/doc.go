// Package lockfile reads the lockfiles of language package managers into
// asset components. A lockfile is known by its file name, which its tool
// fixes:
//
//	go.mod, go.sum                          Go         requirements; module hashes
//	package-lock.json, npm-shrinkwrap.json  npm        lockfile versions 1, 2, 3
//	yarn.lock                               npm        Yarn 1 ("v1") and Yarn 2+ ("berry")
//	pnpm-lock.yaml                          npm        lockfile versions 5, 6, 9
//	requirements*.txt, *requirements.txt    PyPI       pinned "==" requirements only
//	poetry.lock                             PyPI       Poetry 1 and 2
//	Pipfile.lock                            PyPI       default and develop
//	Cargo.lock                              crates.io  versions 1 to 4
//	composer.lock                           Packagist  packages and packages-dev
//	Gemfile.lock, gems.locked               RubyGems   GEM and GIT sources
//	pom.xml, *.pom                          Maven      declared dependencies
//	packages.lock.json                      NuGet      every target framework
//
// Each format's parse function documents what it takes: which entries are
// components (the project's own code, workspace members, local paths and
// links are not), what is Direct (when the file records what the project
// declares), and where DependsOn comes from (when it records a graph).
// Source is the file and the entry: its install path in package-lock.json,
// its key in pnpm-lock.yaml, its header in yarn.lock, "package[3]" in TOML,
// "line 12" in line formats.
//
// # Why not osv-scalibr's extractors
//
// osv-scalibr has an extractor for each of these formats, but every one
// imports its extractor/filesystem framework, whose embedded-filesystem
// support pulls in go.uber.org/zap and with it net/http (and cgo, via
// net); the pom.xml one also imports os/exec through its Maven registry
// client. vmc's parsers may import neither (internal/archtest enforces
// it, see STYLE.md). They also read
// through a filesystem abstraction rather than the one reader a parser is
// handed. So the parsers here are vmc's own, tested on osv-scalibr's
// fixtures (testdata/README.md). TOML, which Cargo.lock and poetry.lock
// use, is read by a small parser of the subset they need (toml.go), since
// vmc's go.mod holds no TOML library for direct use.
//
// # Versions
//
// A lockfile's point is its resolved versions, so an entry with none (a
// requirement range, a Maven version set by a parent POM) is reported and
// skipped. A version that is there but not comparable (a git URL in
// package-lock.json, a Composer branch) keeps the component and is
// reported. Go versions lose their "v", as OSV's Go records write them;
// other versions are kept as written.
//
// Files are read whole, up to 64 MiB. YAML aliases are expanded by yaml.v3,
// which refuses excessive aliasing; XML DTDs are refused; TOML nesting is
// bounded.
package lockfile
