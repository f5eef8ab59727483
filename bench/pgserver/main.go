// Command pgserver starts a throwaway PostgreSQL server (the one the tests
// use), prints a DSN for a fresh database (or for N, with "pgserver N"),
// one a line, and runs until its standard input closes. bench/import.sh
// uses it to measure imports on PostgreSQL.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

func main() {
	srv, err := pgtest.Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgserver:", err)
		os.Exit(1)
	}
	defer srv.Stop()
	n := 1
	if len(os.Args) > 1 {
		if n, err = strconv.Atoi(os.Args[1]); err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: pgserver [N]")
			return
		}
	}
	for range n {
		dsn, err := srv.NewDatabase(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgserver:", err)
			return
		}
		fmt.Println(dsn)
	}
	io.Copy(io.Discard, os.Stdin)
}
