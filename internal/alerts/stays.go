package alerts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

func stayNote(st store.Stay, day time.Time) string {
	return fmt.Sprintf("%s，%s起（已%d个月）", st.Place, cnDate(st.Since), monthsBetween(st.Since, day))
}

// currentStays returns every current stay within scope as of now, read once per sweep.
func currentStays(ctx context.Context, st *store.Store, now time.Time, zone string, scope []store.OrgUnit) ([]store.Stay, error) {
	paths := make([]string, len(scope))
	for i, u := range scope {
		paths[i] = u.Path
	}
	key := struct {
		what, zone, scope string
		now               int64
	}{"stays", zone, strings.Join(paths, ","), now.UnixNano()}
	return schedule.Memo(ctx, key, func() ([]store.Stay, error) {
		return st.Stays(ctx, store.StayQuery{Now: now, Zone: zone, Scope: scope})
	})
}

// reached reports whether the stay has lasted months by day (months counted as PostgreSQL
// does, clamped to the month's end).
func reached(st store.Stay, day time.Time, months int) bool {
	return !st.Since.After(minusMonths(day, months))
}

// InflowRegistration tells the secretary about members who have stayed in one place for
// inflow_registration.months with no registration at the inflow place's branch (the county's
// practice: register after 3 months), once per member and stay.
func (s *Service) InflowRegistration(ctx context.Context, now time.Time) error {
	const kind = "inflow.unregistered"
	months := s.cfg.InflowRegistration.Months
	stays, err := currentStays(ctx, s.st, now, s.loc.String(), nil)
	if err != nil {
		return err
	}
	day := s.day(now)
	var dues []Due
	for _, st := range stays {
		if st.Registered || !reached(st, day, months) || slices.Contains(st.Marked, kind) {
			continue
		}
		dues = append(dues, Due{OrgUnitID: st.BranchID, MemberID: st.MemberID, Period: st.Period,
			Entry: notify.Entry{Name: st.Name, Note: stayNote(st, day)}})
	}
	if len(dues) == 0 {
		return nil
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	_, err = EnqueueGrouped(ctx, s.st, kind, now, dues, func(unit int64, entries []notify.Entry) string {
		return fmt.Sprintf("【流入登记提醒】%s\n请提醒本人持《流动党员活动证》到流入地党组织报到登记，或与流入地党组织联系。",
			detail(unit).Section(fmt.Sprintf("以下党员在同一地方已满%d个月，流入地党组织尚未登记", months), entries))
	})
	return err
}

// TransferPrompt prompts members who have stayed in one place for transfer.months to transfer
// their organizational relationship (党员教育管理工作条例, 2019: away 6 months or more at a
// fairly fixed place), and tells their secretary, with the 转出 command to send, and the inflow
// contacts covering them; once per member and stay. Members with a letter out already are
// being transferred: left out.
func (s *Service) TransferPrompt(ctx context.Context, now time.Time) error {
	const kind = "transfer.secretary"
	months := s.cfg.Transfer.Months
	stays, err := currentStays(ctx, s.st, now, s.loc.String(), nil)
	if err != nil {
		return err
	}
	day := s.day(now)
	var prompts []notify.Message
	var dues []Due
	for _, st := range stays {
		// Stays the secretary has heard of are done: the members' prompts are enqueued first, so
		// a run cut short between the two is completed by the next.
		if !reached(st, day, months) || slices.Contains(st.Marked, kind) || st.Transferring {
			continue
		}
		prompts = append(prompts, notify.Message{
			Kind: "transfer.member", Period: st.Period, MemberID: st.MemberID, Scheduled: true,
			Text: fmt.Sprintf("%s同志，您好！您自%s起一直在%s，已满%d个月。按照党员教育管理的规定，外出时间较长、地点相对固定的党员，"+
				"应当把组织关系转到所在地党组织，以便参加组织生活。请与支部书记联系办理组织关系转接。",
				st.Name, cnDate(st.Since), st.Place, monthsBetween(st.Since, day)),
		})
		dues = append(dues, Due{OrgUnitID: st.BranchID, MemberID: st.MemberID, Period: st.Period,
			Entry: notify.Entry{Name: st.Name, Note: stayNote(st, day)}})
	}
	if len(dues) == 0 {
		return nil
	}
	contacts, err := s.inflowContactNotices(ctx, dues, "transfer.contact", func(d Due) string {
		return fmt.Sprintf("【组织关系转接】在贵组织登记的流动党员%s：%s。按照党员教育管理的规定，外出时间较长、地点相对固定的党员应当转接组织关系。"+
			"其党支部将与本人联系办理，开具介绍信后请接收其组织关系。", d.Entry.Name, d.Entry.Note)
	})
	if err != nil {
		return err
	}
	if _, err := notify.EnqueueBatch(ctx, s.st, append(prompts, contacts...)); err != nil {
		return err
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	first := map[int64]string{}
	for _, d := range dues {
		if _, ok := first[d.OrgUnitID]; !ok {
			first[d.OrgUnitID] = d.Entry.Name
		}
	}
	_, err = EnqueueGrouped(ctx, s.st, kind, now, dues, func(unit int64, entries []notify.Entry) string {
		return fmt.Sprintf("【组织关系转接提醒】%s\n已提醒本人与您联系，请协助办理组织关系转接。确定接收党组织后发送：转出 %s 接收党组织全称（例如：转出 %s 广东省深圳市南山区粤海街道党工委），将开具介绍信并告知本人。",
			detail(unit).Section(fmt.Sprintf("以下党员在同一地方已满%d个月，应转接组织关系", months), entries), entries[0].Name, entries[0].Name)
	})
	return err
}

// inflowContactNotices are the messages to the bound inflow contacts covering the members of
// dues (one per contact and condition), composed by text.
func (s *Service) inflowContactNotices(ctx context.Context, dues []Due, kind string, text func(Due) string) ([]notify.Message, error) {
	ids := make([]int64, len(dues))
	for i, d := range dues {
		ids[i] = d.MemberID
	}
	contacts, err := s.st.BoundContactsOf(ctx, ids, store.ContactInflow)
	if err != nil {
		return nil, err
	}
	var msgs []notify.Message
	for _, d := range dues {
		for _, c := range contacts[d.MemberID] {
			msgs = append(msgs, notify.Message{Kind: kind, Period: fmt.Sprintf("m%d:%s", d.MemberID, d.Period), ContactID: c.ID,
				Text: text(d), Scheduled: true})
		}
	}
	return msgs, nil
}

// StayProvider lists members whose stay has reached Months (ExcludeRegistered: and who have
// not registered at the inflow place), for the digest and 逾期. It reads the sweep's stays.
type StayProvider struct {
	St                *store.Store
	Loc               *time.Location
	Months            int
	ExcludeRegistered bool
	// ExcludeTransferring leaves out the members with a letter of transfer out already.
	ExcludeTransferring bool
	Label               string
}

// Title is the section's heading.
func (p StayProvider) Title() string { return p.Label }

// Overdue lists the members within scope.
func (p StayProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error) {
	stays, err := currentStays(ctx, p.St, now, p.Loc.String(), scope)
	if err != nil {
		return nil, err
	}
	day := now.In(p.Loc)
	var items []Item
	for _, st := range stays {
		if !reached(st, day, p.Months) || (p.ExcludeRegistered && st.Registered) || (p.ExcludeTransferring && st.Transferring) {
			continue
		}
		items = append(items, Item{OrgUnitID: st.BranchID, MemberID: st.MemberID, Entry: notify.Entry{Name: st.Name, Note: stayNote(st, day)}})
	}
	return items, nil
}

// minusMonths is the date months before day, clamped to the month's end as PostgreSQL does
// (31 March − 1 month = 28 February), so the jobs agree with SQL written elsewhere.
func minusMonths(day time.Time, months int) time.Time {
	y, m, d := day.Date()
	first := time.Date(y, m-time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}
