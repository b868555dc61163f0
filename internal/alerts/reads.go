package alerts

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"liudong/internal/dues"
	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// The reads below are shared by the jobs and providers of one sweep (schedule.Memo): each is
// made once per clock and scope, whichever job asks first.

// gather runs reads at once and waits for them: a job's Prefetch. Their results and errors
// stay in the sweep's memo for the jobs to take.
func gather(reads ...func()) {
	var wg sync.WaitGroup
	for _, read := range reads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			read()
		}()
	}
	wg.Wait()
}

// readKey identifies one read: what, at which clock, within which scope.
type readKey struct {
	what  string
	now   int64
	scope string
	arg   string
}

func keyOf(what string, now time.Time, scope []store.OrgUnit, arg string) readKey {
	k := readKey{what: what, now: now.UnixNano(), arg: arg}
	if scope != nil {
		paths := make([]string, len(scope))
		for i, u := range scope {
			paths[i] = u.Path
		}
		k.scope = "in:" + strings.Join(paths, ",")
	}
	return k
}

// standings is the dues standing in now's month (after the assessments due) of the members
// behind with their dues: unpaid for six_month.remind_months, or in arrears for
// dues_notice.secretary_months; and of every member who owes anything when the month's
// notices are due (duesNoticesDue). One read per sweep serves the six-month rule, the dues
// notices and the digest: each keeps what concerns it.
func (s *Service) standings(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]store.DuesStanding, error) {
	filter := store.DuesFilter{UnpaidMonths: s.cfg.SixMonth.RemindMonths, ArrearsMonths: s.cfg.DuesNotice.SecretaryMonths}
	if scope == nil {
		due, err := s.duesNoticesDue(ctx, now)
		if err != nil {
			return nil, err
		}
		filter.Owing = due
	}
	return schedule.Memo(ctx, keyOf("standings", now, scope, fmt.Sprint(filter)), func() ([]store.DuesStanding, error) {
		return s.dues.StandingsWhere(ctx, dues.MonthOf(s.day(now)), scope, filter)
	})
}

// duesNoticesDue reports whether the month's dues notices are to be sent: from
// dues_notice.day on, until they have been (they are enqueued in one transaction).
func (s *Service) duesNoticesDue(ctx context.Context, now time.Time) (bool, error) {
	day := s.day(now)
	if day.Day() < s.cfg.DuesNotice.Day {
		return false, nil
	}
	return schedule.Memo(ctx, keyOf("dues notices due", now, nil, ""), func() (bool, error) {
		done, err := s.st.AnyNotification(ctx, "dues.notice", duesPeriod(day))
		return !done, err
	})
}

// duesPeriod keys a month's dues notices: "2026-11".
func duesPeriod(day time.Time) string { return day.Format("2006-01") }

// reachable is the set of members a scheduled notice can reach (a chat binding).
func (s *Service) reachable(ctx context.Context, now time.Time) (map[int64]bool, error) {
	return schedule.Memo(ctx, keyOf("reachable", now, nil, ""), func() (map[int64]bool, error) {
		ids, err := s.st.ReachableMembers(ctx)
		m := make(map[int64]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m, err
	})
}

// absences is where the justified absences stand on now's day, by member.
func (s *Service) absences(ctx context.Context, now time.Time) (map[int64]store.AbsenceState, error) {
	return schedule.Memo(ctx, keyOf("absences", now, nil, ""), func() (map[int64]store.AbsenceState, error) {
		as, err := s.st.AbsenceStates(ctx, s.day(now))
		m := make(map[int64]store.AbsenceState, len(as))
		for _, a := range as {
			m[a.MemberID] = a
		}
		return m, err
	})
}

// missingReports is the mobile members without a report for q's period.
func (s *Service) missingReports(ctx context.Context, now time.Time, q store.MissingReportQuery) ([]store.MissingReport, error) {
	arg := q.Period + "/" + q.NorPeriod + "/" + q.DepartedBefore.Format(time.DateOnly)
	return schedule.Memo(ctx, keyOf("missing reports", now, q.Scope, arg), func() ([]store.MissingReport, error) {
		q.Day = s.day(now)
		return s.st.MissingReports(ctx, q)
	})
}

// marked returns which of the (member, period) conditions already carry a mark of each kind.
func (s *Service) marked(ctx context.Context, st *store.Store, kinds []string, pairs []store.AlertMark) (map[store.KindMark]bool, error) {
	ms, err := st.AlertMarksAmong(ctx, kinds, pairs)
	out := make(map[store.KindMark]bool, len(ms))
	for _, m := range ms {
		out[m] = true
	}
	return out, err
}

// notice is a member-level condition reported to the member (once, at first contact) and,
// grouped per org unit, to the secretary.
type notice struct {
	Due
	// Member is the message to the member; "" sends none.
	Member string
}

// tell enqueues the members' messages (kind memberKind, keyed by the condition's period) for
// the conditions not marked under any of the kinds given, then reports the conditions not
// marked under kind to the secretaries in one message per org unit (compose). Conditions
// already reported are left out before anything is written, so a run with nothing new writes
// nothing. The members' messages go first: a run cut short between the two is completed by
// the next (the outbox's keys refuse a repeat).
func (s *Service) tell(ctx context.Context, now time.Time, kind, memberKind string, earlier []string, ns []notice,
	compose func(unit int64, entries []notify.Entry) string) error {
	return s.tellIn(ctx, s.st, now, kind, memberKind, earlier, ns, compose)
}

// tellIn is tell on st, which may be a transaction.
func (s *Service) tellIn(ctx context.Context, st *store.Store, now time.Time, kind, memberKind string, earlier []string, ns []notice,
	compose func(unit int64, entries []notify.Entry) string) error {
	if len(ns) == 0 {
		return nil
	}
	pairs := make([]store.AlertMark, len(ns))
	for i, n := range ns {
		pairs[i] = store.AlertMark{MemberID: n.MemberID, Period: n.Period}
	}
	kinds := append([]string{kind}, earlier...)
	done, err := s.marked(ctx, st, kinds, pairs)
	if err != nil {
		return err
	}
	reach, err := s.reachable(ctx, now)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	var dues []Due
	for i, n := range ns {
		if done[store.KindMark{Kind: kind, AlertMark: pairs[i]}] {
			continue
		}
		dues = append(dues, n.Due)
		first := true
		for _, k := range earlier {
			first = first && !done[store.KindMark{Kind: k, AlertMark: pairs[i]}]
		}
		if first && n.Member != "" && memberKind != "" && reach[n.MemberID] {
			msgs = append(msgs, notify.Message{Kind: memberKind, Period: n.Period, MemberID: n.MemberID, Text: n.Member, Scheduled: true})
		}
	}
	if len(dues) == 0 {
		return nil
	}
	if _, err := notify.EnqueueBatch(ctx, st, msgs); err != nil {
		return err
	}
	_, err = EnqueueGrouped(ctx, st, kind, now, dues, compose)
	return err
}

// orgLifeLapses is the members away with their last organizational life on now's day.
func (s *Service) orgLifeLapses(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]store.OrgLifeLapse, error) {
	return schedule.Memo(ctx, keyOf("org life lapses", now, scope, ""), func() ([]store.OrgLifeLapse, error) {
		return s.st.OrgLifeLapses(ctx, s.day(now), scope)
	})
}
