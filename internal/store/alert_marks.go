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

// KindMark is an alert mark with its kind.
type KindMark struct {
	Kind string `db:"kind"`
	AlertMark
}

// AlertMarksAmong returns, of the marks of the given kinds on the given (member, period)
// pairs, those already taken: a job leaves these conditions out before composing, so a run
// with nothing new writes nothing.
func (s *Store) AlertMarksAmong(ctx context.Context, kinds []string, pairs []AlertMark) ([]KindMark, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	members := make(Int64Array, len(pairs))
	periods := make(StringArray, len(pairs))
	for i, m := range pairs {
		members[i], periods[i] = m.MemberID, m.Period
	}
	var out []KindMark
	err := s.q.SelectContext(ctx, &out, `
		SELECT am.kind, am.member_id, am.period
		FROM unnest($1::bigint[], $2::text[]) AS t (m, p)
		JOIN alert_marks am ON am.member_id = t.m AND am.period = t.p
		WHERE am.kind = ANY ($3::text[])`, members, periods, StringArray(kinds))
	return out, wrap("fetch alert marks", err)
}
