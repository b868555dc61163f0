package store

import "context"

// AlertMark records that a member-level condition (kind, period) has been reported.
type AlertMark struct {
	MemberID int64  `db:"member_id"`
	Period   string `db:"period"`
}

// MarkAlerts inserts the marks of one kind that are not there yet and returns those it
// inserted. Run it in the transaction that enqueues the report: a concurrent run waits for
// that transaction and then finds the marks taken.
func (s *Store) MarkAlerts(ctx context.Context, kind string, marks []AlertMark) ([]AlertMark, error) {
	var out []AlertMark
	for start := 0; start < len(marks); start += enqueueChunk {
		part := marks[start:min(start+enqueueChunk, len(marks))]
		members := make(Int64Array, len(part))
		periods := make(StringArray, len(part))
		for i, m := range part {
			members[i], periods[i] = m.MemberID, m.Period
		}
		var got []AlertMark
		err := s.q.SelectContext(ctx, &got, `
			INSERT INTO alert_marks (kind, member_id, period)
			SELECT $1, m, p FROM unnest($2::bigint[], $3::text[]) AS t (m, p)
			ON CONFLICT DO NOTHING RETURNING member_id, period`, kind, members, periods)
		if err != nil {
			return out, wrap("mark alerts", err)
		}
		out = append(out, got...)
	}
	return out, nil
}
