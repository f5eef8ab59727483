package ingest

import (
	"github.com/vmc-dev/vmc/internal/feed/cnnvd"
	"github.com/vmc-dev/vmc/internal/feed/cnvd"
	"github.com/vmc-dev/vmc/internal/feed/csaf"
	"github.com/vmc-dev/vmc/internal/feed/cve5"
	"github.com/vmc-dev/vmc/internal/feed/epss"
	"github.com/vmc-dev/vmc/internal/feed/euvd"
	"github.com/vmc-dev/vmc/internal/feed/ghsa"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
	"github.com/vmc-dev/vmc/internal/feed/kev"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
	"github.com/vmc-dev/vmc/internal/feed/osv"
)

// Sources lists every advisory format vmc reads. Detection tries them in
// this order, so the formats with the most specific signatures come first.
func Sources() []Source {
	return []Source{
		{Name: "cve5", Sniff: cve5.Sniff, Parse: cve5.Parse},
		{Name: "nvd", Sniff: nvd.Sniff, Parse: nvd.Parse},
		{Name: "csaf", Sniff: csaf.Sniff, Parse: csaf.Parse},
		{Name: "kev", Sniff: kev.Sniff, Parse: kev.Parse, Snapshot: true},
		{Name: "epss", Sniff: epss.Sniff, Parse: epss.Parse, Snapshot: true},
		{Name: "ghsa", Sniff: ghsa.Sniff, Parse: ghsa.Parse},
		{Name: "euvd", Sniff: euvd.Sniff, Parse: euvd.Parse},
		{Name: "jvn", Sniff: jvn.Sniff, Parse: jvn.Parse},
		{Name: "cnvd", Sniff: cnvd.Sniff, Parse: cnvd.Parse},
		{Name: "cnnvd", Sniff: cnnvd.Sniff, Parse: cnnvd.Parse},
		{Name: "osv", Sniff: osv.Sniff, Parse: osv.Parse},
	}
}
