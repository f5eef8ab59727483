// Command vmc is the vulnerability management centre. Everything it does
// lives behind cli.Run, so commands run in tests exactly as here.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmc-dev/vmc/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
