package alerts

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// The 流动党员活动证 (DOMAIN.md): reviewed once a year (年审, certificate.review_months after the
// last review or the issue), and handed back for inspection (查验) when the member comes home.
// Each certificate's review, and each return, is reported once to the member (when they can
// be reached) and once to the secretary.

// reviewsDue is the certificates whose 年审 falls within certificate_review.days, or is overdue.
func (s *Service) reviewsDue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]store.CertificateDue, error) {
	return schedule.Memo(ctx, keyOf("reviews due", now, scope, ""), func() ([]store.CertificateDue, error) {
		return s.st.CertificatesReviewDue(ctx, s.day(now), s.cfg.CertificateReview.Days, s.reviewMonths, scope)
	})
}

// uninspected is the certificates of members home for certificate_inspection.days or more.
func (s *Service) uninspected(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]store.CertificateUninspected, error) {
	return schedule.Memo(ctx, keyOf("uninspected", now, scope, ""), func() ([]store.CertificateUninspected, error) {
		return s.st.CertificatesNotInspected(ctx, s.day(now), s.cfg.CertificateInspection.Days, scope)
	})
}

// reviewNote says when the 年审 falls, from day.
func reviewNote(d store.CertificateDue, day time.Time) string {
	// A date column comes back as midnight UTC: the same calendar date in day's zone.
	next := time.Date(d.NextReviewOn.Year(), d.NextReviewOn.Month(), d.NextReviewOn.Day(), 0, 0, 0, 0, day.Location())
	n := store.DaysBetween(day, next)
	switch {
	case n > 0:
		return fmt.Sprintf("编号%s，%s年审（还有%d天）", d.Number, cnDate(d.NextReviewOn), n)
	case n == 0:
		return fmt.Sprintf("编号%s，今天（%s）年审", d.Number, cnDate(d.NextReviewOn))
	}
	return fmt.Sprintf("编号%s，应于%s年审（已逾期%d天）", d.Number, cnDate(d.NextReviewOn), -n)
}

// CertificateReview reminds the holders of certificates due for 年审 and tells the secretary,
// once per certificate and review.
func (s *Service) CertificateReview(ctx context.Context, now time.Time) error {
	due, err := s.reviewsDue(ctx, now, nil)
	if err != nil || len(due) == 0 {
		return err
	}
	day := s.day(now)
	ns := make([]notice, len(due))
	for i, d := range due {
		note := reviewNote(d, day)
		ns[i] = notice{
			Due: Due{OrgUnitID: d.BranchID, MemberID: d.MemberID, Entry: notify.Entry{Name: d.MemberName, Note: note},
				Period: "c" + strconv.FormatInt(d.CertificateID, 10) + "@" + d.NextReviewOn.Format(time.DateOnly)},
			Member: fmt.Sprintf("%s同志，您好！您的《流动党员活动证》%s。年审随民主评议进行，请与支部书记联系办理；"+
				"在外地的，可请流入地党组织签署意见后交支部。", d.MemberName, note),
		}
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	return s.tell(ctx, now, "certificate.review", "certificate.review.member", nil, ns, func(unit int64, entries []notify.Entry) string {
		return fmt.Sprintf("【活动证年审】%s\n已提醒本人。办理后发送“年审 姓名”记录。",
			detail(unit).Section(fmt.Sprintf("以下党员的《流动党员活动证》%d天内到期年审或已逾期", s.cfg.CertificateReview.Days), entries))
	})
}

// CertificateInspection reminds the members home for certificate_inspection.days or more who
// still hold their certificate to hand it back for inspection (查验), and tells the secretary;
// once per certificate and return.
func (s *Service) CertificateInspection(ctx context.Context, now time.Time) error {
	us, err := s.uninspected(ctx, now, nil)
	if err != nil || len(us) == 0 {
		return err
	}
	ns := make([]notice, len(us))
	for i, u := range us {
		ns[i] = notice{
			Due: Due{OrgUnitID: u.BranchID, MemberID: u.MemberID, Entry: notify.Entry{Name: u.MemberName, Note: inspectionNote(u)},
				Period: "c" + strconv.FormatInt(u.CertificateID, 10) + "@" + u.ReturnedOn.Format(time.DateOnly)},
			Member: fmt.Sprintf("%s同志，您好！您%s返乡，请把《流动党员活动证》（编号%s）交回支部查验，并向支部汇报外出期间的情况。",
				u.MemberName, cnDate(u.ReturnedOn), u.Number),
		}
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	return s.tell(ctx, now, "certificate.inspection", "certificate.inspection.member", nil, ns, func(unit int64, entries []notify.Entry) string {
		return fmt.Sprintf("【活动证查验】%s\n已提醒本人交回。查验后发送“收回 姓名”记录。",
			detail(unit).Section(fmt.Sprintf("以下党员返乡已满%d天，《流动党员活动证》还没有交回查验", s.cfg.CertificateInspection.Days), entries))
	})
}

func inspectionNote(u store.CertificateUninspected) string {
	return fmt.Sprintf("编号%s，%s返乡", u.Number, cnDate(u.ReturnedOn))
}

// reviewProvider lists, for the digest and 逾期, the certificates due for 年审.
type reviewProvider struct{ s *Service }

func (p reviewProvider) Title() string {
	return fmt.Sprintf("活动证年审到期（%d天内或已逾期）", p.s.cfg.CertificateReview.Days)
}

func (p reviewProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error) {
	due, err := p.s.reviewsDue(ctx, now, scope)
	day := p.s.day(now)
	items := make([]Item, len(due))
	for i, d := range due {
		items[i] = Item{OrgUnitID: d.BranchID, MemberID: d.MemberID, Entry: notify.Entry{Name: d.MemberName, Note: reviewNote(d, day)}}
	}
	return items, err
}

// inspectionProvider lists, for the digest and 逾期, the certificates not handed back.
type inspectionProvider struct{ s *Service }

func (p inspectionProvider) Title() string {
	return fmt.Sprintf("返乡满%d天，活动证未交回查验", p.s.cfg.CertificateInspection.Days)
}

func (p inspectionProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error) {
	us, err := p.s.uninspected(ctx, now, scope)
	items := make([]Item, len(us))
	for i, u := range us {
		items[i] = Item{OrgUnitID: u.BranchID, MemberID: u.MemberID, Entry: notify.Entry{Name: u.MemberName, Note: inspectionNote(u)}}
	}
	return items, err
}
