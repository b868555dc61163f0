package store

import (
	"database/sql/driver"

	"github.com/lib/pq"
)

// StringArray is a text[] parameter or column.
type StringArray = pq.StringArray

// Int64Array is a bigint[] parameter or column.
type Int64Array = pq.Int64Array

var _ driver.Valuer = StringArray(nil)

// BoolArray is a boolean[] parameter or column.
type BoolArray = pq.BoolArray
