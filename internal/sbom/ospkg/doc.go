// Package ospkg reads the package lists of Linux distributions into asset
// components: dpkg's status file (Debian, Ubuntu), the output of rpm -qa
// (RPM distributions) and apk's installed database (Alpine, Wolfi). The
// format is told from the content, since the files are named "status"
// and "installed" or whatever the caller saved the command's output as.
//
// # Which release
//
// OSV scopes distribution advisories to a release ("Debian:12",
// "Ubuntu:22.04:LTS", "Alpine:v3.19", "AlmaLinux:9"), and none of these
// lists says which release it came from. The caller says, the way a
// --release flag would: Options.Distro is the OSV ecosystem itself, or
// Options.OSRelease is the host's /etc/os-release, from which ID,
// VERSION_ID and (Red Hat) CPE_NAME give it. Parse, with neither, keeps
// every component with no ecosystem (each still has a purl) and reports
// once, against the record "os-release", that the distribution is unknown.
// os-release IDs vmc maps: debian, ubuntu, alpine, almalinux, rocky,
// rhel (by CPE_NAME), azurelinux and mariner, wolfi and chainguard.
// ID_LIKE is not followed: a derivative's VERSION_ID is its own (Linux
// Mint 21 is not Ubuntu 21), so guessing would match the wrong release.
//
// # Mapping
//
//   - dpkg status (deb-control paragraphs): packages whose Status says
//     installed (the third word; a paragraph with no Status, as in
//     distroless images' status.d, counts as installed). OSV's Debian and
//     Ubuntu records name source packages, so Name is the Source field's
//     package (Package when there is none) and Version the source version
//     when Source states one ("util-linux (2.38.1-5)"), else Version. The
//     purl keeps the binary package: pkg:deb/debian/libacl1@2.3.1-3?arch=amd64&distro=debian-12&upstream=acl.
//   - rpm -qa output (see below). OSV's RPM distributions (AlmaLinux,
//     Rocky) list every binary package, so Name is %{NAME}; Version is
//     "epoch:version-release" with a nonzero epoch, "version-release"
//     otherwise. gpg-pubkey entries are keys, not packages, and are left
//     out.
//   - apk installed (lib/apk/db/installed): one paragraph per package,
//     single-letter keys. Name is o: (the origin, the source package
//     Alpine's secdb names) or P:, Version V:, Licenses L:.
//
// # The rpm query format
//
// vmc expects the output of
//
//	rpm -qa --queryformat '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n'
//
// and also reads it without %{SOURCERPM} (the source RPM only goes into
// the purl), with "(none)" as the epoch of a package that has none, and
// plain rpm -qa ("name-version-release.arch"), which hides epochs: a
// package with one then compares as if it had none, so the query format
// is the one to use.
//
// Lines that cannot be read are reported (*feed.RecordError, "line 12")
// and skipped. Files are read whole, up to 64 MiB.
package ospkg
