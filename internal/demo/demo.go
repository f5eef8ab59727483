// Package demo holds the demo data set `vmc serve` loads into an empty
// database: a few dozen real records (Log4Shell, xz, HTTP/2 Rapid Reset,
// PHP-CGI argument injection, ...) from CVE JSON 5, OSV, NVD, KEV and EPSS,
// chosen so that their aliases merge across sources. data/NOTICE.md names
// each file's origin and licence.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed data
var files embed.FS

// FS returns the demo files, one directory per source.
func FS() fs.FS {
	sub, err := fs.Sub(files, "data")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
