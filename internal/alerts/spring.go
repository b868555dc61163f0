package alerts

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/6tail/lunar-go/calendar"

	"liudong/internal/notify"
	"liudong/internal/store"
)

// SpringFestivalDate is 春节 (the first day of the first lunar month) in the Gregorian year,
// at midnight in loc.
func SpringFestivalDate(year int, loc *time.Location) time.Time {
	s := calendar.NewLunarFromYmd(year, 1, 1).GetSolar()
	return time.Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay(), 0, 0, 0, 0, loc)
}

// festivalAhead returns the 春节 whose invitation window [festival − lead days, festival)
// contains day.
func (s *Service) festivalAhead(day time.Time) (time.Time, bool) {
	for _, y := range []int{day.Year(), day.Year() + 1} {
		f := SpringFestivalDate(y, s.loc)
		if !day.Before(f.AddDate(0, 0, -s.cfg.SpringFestival.LeadDays)) && day.Before(f) {
			return f, true
		}
	}
	return time.Time{}, false
}

// SpringFestival, from lead_days before 春节 until the eve, invites every member expected
// home to the branch's 春节座谈会 and tells the secretary who they are. "Expected home" is a
// member away from home (an open departure): not a 流入 member, whose home branch is
// elsewhere, nor one whose justified absence (住院治疗 …) covers the festival. Each member is
// invited once a year; the secretary hears of each member once a year (a later run lists only
// members who have left since).
func (s *Service) SpringFestival(ctx context.Context, now time.Time) error {
	day := s.day(now)
	festival, ok := s.festivalAhead(day)
	if !ok {
		return nil
	}
	year := strconv.Itoa(festival.Year())
	// Members whose secretary has heard of them this year were invited before them.
	away, err := s.st.ExpectedHome(ctx, day, festival, "spring.secretary", year)
	if err != nil || len(away) == 0 {
		return err
	}
	when := fmt.Sprintf("%d年春节（%d月%d日）", festival.Year(), int(festival.Month()), festival.Day())
	invites := make([]notify.Message, len(away))
	dues := make([]Due, len(away))
	for i, a := range away {
		invites[i] = notify.Message{
			Kind: "spring.invite", Period: year, MemberID: a.MemberID, Scheduled: true,
			Text: fmt.Sprintf("%s同志，您好！%s快到了。支部将在春节期间召开流动党员座谈会（春节座谈会），欢迎您返乡过节时参加，"+
				"和大家聊聊在外工作、生活和学习的情况。具体时间地点由支部另行通知；如不能返乡，请告诉支部书记。", a.Name, when),
		}
		dues[i] = Due{OrgUnitID: a.BranchID, MemberID: a.MemberID, Period: year,
			Entry: notify.Entry{Name: a.Name, Note: awayNote(a)}}
	}
	if _, err := notify.EnqueueBatch(ctx, s.st, invites); err != nil {
		return err
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	_, err = EnqueueGrouped(ctx, s.st, "spring.secretary", now, dues, func(unit int64, entries []notify.Entry) string {
		return fmt.Sprintf("【春节座谈会】%s前提醒：以下外出党员春节可能返乡，已邀请他们参加春节座谈会。\n%s\n请确定座谈会的时间和地点，并通知大家。",
			when, detail(unit).Section("外出党员", entries))
	})
	return err
}

func awayNote(a store.Away) string {
	note := fmt.Sprintf("%d年%d月外出", a.DepartedOn.Year(), int(a.DepartedOn.Month()))
	if a.Place != "" {
		note = a.Place + "，" + note
	}
	return note
}
