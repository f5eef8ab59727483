package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/federation"
	"github.com/vmc-dev/vmc/internal/peer"
)

// Federation configures what this vmc tells its peers.
type Federation struct {
	// Origin is this vmc's name among its peers (peer.CheckOrigin): the
	// change index names it as the origin of its own records.
	Origin string
}

// fedIndexInput pages the change index.
type fedIndexInput struct {
	After string `query:"after" maxLength:"1024" doc:"the cursor a previous page gave in X-Vmc-Next"`
	Limit int    `query:"limit" minimum:"0" maximum:"10000" doc:"lines per page (0: 1000)"`
}

type fedIndexOutput struct {
	ContentType string `header:"Content-Type"`
	Next        string `header:"X-Vmc-Next"`
	More        string `header:"X-Vmc-More"`
	Body        []byte
}

// peerList is GET /api/v1/peers's answer.
type peerList struct {
	Origin string      `json:"origin"`
	Peers  []peer.Peer `json:"peers"`
}

func (s *Server) registerFederation(api huma.API) {
	// The index lists ids the OSV API serves to the same callers, so it is
	// open or closed with it.
	access := Public
	if s.OSV.RequireToken {
		access = string(auth.VulnRead)
	}
	op(s, api, huma.Operation{OperationID: "federation-index", Method: http.MethodGet, Path: federation.IndexPath, Tags: []string{"federation"},
		Summary: "The vulnerabilities changed since a cursor, oldest change first, as modified,id,origin lines (osv.dev's modified_id.csv with an origin column)"}, access,
		func(ctx context.Context, in *fedIndexInput) (*fedIndexOutput, error) {
			page, err := s.Store.ChangedVulns(ctx, in.After, in.Limit)
			if err != nil {
				return nil, err
			}
			// The index names only what the OSV API would serve: the
			// store leaves out what a source marks above TLP:CLEAR, and
			// the stamps leave out what the organisation's own advisories
			// still embargo. (An id left out is not listed again when its
			// embargo ends unless it changes; a peer's full re-pull, from
			// an empty cursor, finds it.)
			ids := make([]string, len(page.Items))
			for i, c := range page.Items {
				ids[i] = c.ID
			}
			released, err := s.osvStamps(ctx, [][]string{ids})
			if err != nil {
				return nil, err
			}
			entries := make([]peer.IndexEntry, 0, len(page.Items))
			for _, c := range page.Items {
				if _, ok := released[c.ID]; !ok {
					continue
				}
				e := peer.IndexEntry{Modified: c.Updated, ID: c.ID, Origin: c.Origin}
				if e.Origin == "" {
					e.Origin = s.Federation.Origin
				}
				entries = append(entries, e)
			}
			var b bytes.Buffer
			if err := peer.WriteIndex(&b, entries); err != nil {
				return nil, err
			}
			return &fedIndexOutput{ContentType: "text/csv; charset=utf-8", Next: page.Next, More: strconv.FormatBool(page.More), Body: b.Bytes()}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-peers", Method: http.MethodGet, Path: "/api/v1/peers", Tags: []string{"federation"},
		Summary: "The peer vmcs this vmc pulls from, with their last pull"}, string(auth.ImportWrite),
		func(ctx context.Context, _ *struct{}) (*struct{ Body peerList }, error) {
			ps, err := s.Store.Peers(ctx)
			if err != nil {
				return nil, err
			}
			for i := range ps {
				ps[i].Token = "" // sealed, but still nobody's business
			}
			if ps == nil {
				ps = []peer.Peer{}
			}
			return &struct{ Body peerList }{peerList{Origin: s.Federation.Origin, Peers: ps}}, nil
		})
}
