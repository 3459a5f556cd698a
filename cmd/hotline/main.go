// Command hotline is the 12345 government service hotline platform: see 'hotline --help'.
package main

import (
	"context"
	"os"

	"github.com/hotline-dev/hotline/internal/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
