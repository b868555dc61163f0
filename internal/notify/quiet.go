package notify

import (
	"fmt"
	"time"
)

// QuietHours is the nightly time when scheduled notifications wait (replies and event
// notifications do not). Start == End means never quiet.
type QuietHours struct {
	start, end int // minutes after midnight
	loc        *time.Location
}

// ParseQuietHours reads "22:00" and "08:00" in the given zone.
func ParseQuietHours(start, end string, loc *time.Location) (QuietHours, error) {
	s, err := ParseClock(start)
	if err != nil {
		return QuietHours{}, err
	}
	e, err := ParseClock(end)
	if err != nil {
		return QuietHours{}, err
	}
	if loc == nil {
		loc = time.UTC
	}
	return QuietHours{start: s, end: e, loc: loc}, nil
}

// ParseClock reads "HH:MM" (00:00–23:59) as minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("want HH:MM, got %q", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Contains reports whether t falls in quiet hours.
func (q QuietHours) Contains(t time.Time) bool {
	if q.start == q.end {
		return false
	}
	lt := t.In(q.loc)
	m := lt.Hour()*60 + lt.Minute()
	if q.start < q.end {
		return m >= q.start && m < q.end
	}
	return m >= q.start || m < q.end
}
