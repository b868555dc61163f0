// Package migrations holds the goose SQL migrations, embedded in the binary.
// Numbering: 000NN for the foundation; later features take the next free number.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
