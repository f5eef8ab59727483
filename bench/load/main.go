// Command load is the helper of bench/load.sh, the API load benchmark.
//
//	load requests -url URL -token TOKEN -out DIR
//	    asks a running `vmc serve` for real identifiers, words and
//	    packages and writes the request lists wrk replays (one request
//	    path a line; see wrk.lua) and the OSV querybatch body:
//	      detail.txt    GET /api/v1/vulns/{alias}: 300 vulnerabilities, each
//	                    asked for by one of its aliases, not its vmc id
//	      search.txt    GET /api/v1/vulns?q=WORD: 100 words taken from real
//	                    titles, common and rare ones
//	      findings.txt  GET /api/v1/findings with filters: 60 combinations of
//	                    state, priority, severity, KEV, team, asset, sort
//	      querybatch.json  POST /v1/querybatch: 1,000 distinct packages with
//	                    versions, from the synthetic assets' components
//	load floor -addr ADDR -url URL -token TOKEN -dir DIR
//	    the floor: fetches every request of those lists from vmc once, then
//	    serves each one's recorded status, headers and bytes from memory
//	    with bare net/http. vmc cannot answer faster than this.
//	load serve-pprof -pprof ADDR -- VMC-ARGS...
//	    `vmc` itself (cli.Run) with net/http/pprof on a side address, for
//	    PROFILE=1 runs.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load requests|floor|serve-pprof ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "requests":
		err = requests(context.Background(), os.Args[2:])
	case "floor":
		err = floor(context.Background(), os.Args[2:])
	case "serve-pprof":
		os.Exit(servePprof(os.Args[2:]))
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}
