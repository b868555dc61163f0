// Package contact is the two-way management of mobile members with organizations outside the
// committee: the contact person of the inflow organization where an outflow member is
// registered (流入地联系人), invited by the member's secretary (邀请流入地) and bound with a
// binding code, who confirms the member's organizational life there, records dues collected
// there and sends the half-yearly assessment (表现); and the home organization of a 流入 member
// (流出地党组织), whose contact hears of the member's arrival, organizational life here and
// lost contact, or, with no chat account bound, whose notices the local secretary passes on.
// A contact is not a member: he acts for the members his organization covers, and everything he
// does is told to their home secretary.
package contact

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/config"
	"liudong/internal/location"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// Service handles the contacts.
type Service struct {
	st        *store.Store
	box       *secret.Box
	binding   *member.Binding
	committee string
	loc       *time.Location
}

// New builds the service.
func New(st *store.Store, box *secret.Box, binding *member.Binding, cfg config.Config) *Service {
	s := &Service{st: st, box: box, binding: binding, committee: cfg.Committee.Name, loc: cfg.Location()}
	binding.Welcome = s.welcome
	return s
}

// Identify returns the contact a chat handle is bound to, or nil, and notes that it was seen.
func (s *Service) Identify(ctx context.Context, platform, account, handle string, at time.Time) (*bot.ContactRef, error) {
	ic, err := s.st.ContactByHandle(ctx, platform, account, handle)
	if store.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ic.LastSeenAt == nil || at.Sub(*ic.LastSeenAt) > time.Minute {
		if err := s.st.TouchContactIdentity(ctx, ic.ID, at); err != nil {
			return nil, err
		}
	}
	c := ic.Contact
	return &bot.ContactRef{ID: c.ID, Name: c.Name, Org: c.Org, Inflow: c.Side == store.ContactInflow}, nil
}

// Region resolves the region an organization's name starts with (广东省深圳市南山区粤海街道党工委
// → 南山区): only the levels its readings share.
func Region(org string) location.Region {
	cands := location.Default().Resolve(org)
	if len(cands) == 0 {
		return location.Region{}
	}
	r := cands[0]
	for _, c := range cands[1:] {
		if c.ProvinceCode != r.ProvinceCode {
			return location.Region{}
		}
		if c.CityCode != r.CityCode {
			r.CityCode, r.City, r.CountyCode, r.County = "", "", "", ""
		}
		if c.CountyCode != r.CountyCode {
			r.CountyCode, r.County = "", ""
		}
	}
	return r
}

// TellHome tells the member's home secretary (his branch: its alerts group or secretaries) what
// a contact did; it returns the outbox row.
func TellHome(ctx context.Context, tx *store.Store, m store.Member, kind, period, text string) (int64, error) {
	return notify.Enqueue(ctx, tx, notify.Message{Kind: kind, Period: period, OrgUnitID: m.BranchID, Text: text})
}

// TellSecretaries tells the member's secretaries in private (what is about a person, such as an
// assessment's text, is not for a group); it returns the outbox rows.
func TellSecretaries(ctx context.Context, tx *store.Store, m store.Member, kind, period, text string) ([]int64, error) {
	secs, err := tx.SecretariesOf(ctx, m.BranchID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, sec := range secs {
		id, err := notify.Enqueue(ctx, tx, notify.Message{Kind: kind, Period: period, MemberID: sec.ID, Text: text})
		if err != nil {
			return nil, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// TellInflow tells the bound inflow contacts covering the member; it returns the outbox rows.
func TellInflow(ctx context.Context, tx *store.Store, memberID int64, kind, period, text string) ([]int64, error) {
	cs, err := tx.BoundContactsOf(ctx, []int64{memberID}, store.ContactInflow)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range cs[memberID] {
		id, err := notify.Enqueue(ctx, tx, notify.Message{Kind: kind, Period: period, ContactID: c.ID, Text: text})
		if err != nil {
			return nil, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// HomeNotice sends a notice for a 流入 member's home organization: to its contact when he has a
// chat account bound, else it is kept for the local secretary to pass on (listed in his weekly
// digest and 逾期). It returns the outbox rows enqueued (none when kept).
func HomeNotice(ctx context.Context, tx *store.Store, m store.Member, kind, period, text string, at time.Time) ([]int64, error) {
	links, err := tx.ContactsOfMember(ctx, m.ID, store.ContactHome)
	if err != nil {
		return nil, err
	}
	org := ""
	for _, l := range links {
		if org == "" {
			org = l.Org
		}
		if !l.Bound {
			continue
		}
		id, err := notify.Enqueue(ctx, tx, notify.Message{Kind: kind, Period: period, ContactID: l.ID, Text: text})
		if err != nil || id == 0 {
			return nil, err
		}
		return []int64{id}, nil
	}
	if org == "" {
		if h, err := tx.MemberHomeOf(ctx, m.ID); err == nil {
			org = h.Org
		} else if !store.IsNotFound(err) {
			return nil, err
		} else {
			org = "流出地党组织（尚未登记）"
		}
	}
	_, err = tx.InsertRelayNotice(ctx, store.RelayNotice{MemberID: m.ID, Kind: kind, Period: period, Org: org, Body: text, CreatedAt: at})
	return nil, err
}

// audit writes an audit row about the member by the sender (a secretary or a contact).
func audit(c *bot.Context, tx *store.Store, target int64, action string, detail map[string]any) error {
	e := store.AuditEntry{Action: action, TargetMemberID: &target}
	if c.Identity.IsContact() {
		e.Actor = "contact:" + strconv.FormatInt(c.Identity.Contact.ID, 10)
	} else {
		actor := c.Identity.MemberID
		e.Actor, e.ActorMemberID = "member:"+strconv.FormatInt(actor, 10), &actor
	}
	if c.InboundID != 0 {
		e.InboundID = &c.InboundID
	}
	return tx.Audit(c, e, detail)
}

// ContactLine names a contact for a secretary: 李书记（深圳市南山区粤海街道党工委，电话138****0000）.
func (s *Service) ContactLine(c store.OrgContact, masked bool) string {
	var parts []string
	if c.Name != "" {
		parts = append(parts, c.Name)
	}
	if len(c.PhoneEnc) > 0 && masked {
		if p, err := s.box.Open(c.PhoneEnc); err == nil && p != "" {
			parts = append(parts, "电话"+secret.MaskPhone(p))
		}
	}
	if len(parts) == 0 {
		return c.Org
	}
	return c.Org + "（" + strings.Join(parts, "，") + "）"
}

// memberRef names a member for a contact or a secretary: 张三（示范镇党委第一党支部）.
func (s *Service) memberRef(m store.Member) string {
	return fmt.Sprintf("%s（%s%s）", m.Name, s.committee, m.BranchName)
}

func (s *Service) today(c *bot.Context) time.Time {
	y, m, d := c.Now().In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// HalfYear is the half-year key of a day: 2026H2.
func HalfYear(day time.Time) string {
	h := 1
	if day.Month() > 6 {
		h = 2
	}
	return fmt.Sprintf("%dH%d", day.Year(), h)
}

func halfYearLabel(key string) string {
	if strings.HasSuffix(key, "H1") {
		return strings.TrimSuffix(key, "H1") + "年上半年"
	}
	return strings.TrimSuffix(key, "H2") + "年下半年"
}

func age(birth, now time.Time) int {
	y := now.Year() - birth.Year()
	if now.Month() < birth.Month() || (now.Month() == birth.Month() && now.Day() < birth.Day()) {
		y--
	}
	return y
}

func date(t time.Time) string { return parse.FormatDate(t) }

// Covered lists the members a contact covers, for his 帮助, and the name his examples should
// use ("" when he covers nobody).
func (s *Service) Covered(ctx context.Context, contactID int64) (text, example string, err error) {
	ms, err := s.st.MembersOfContact(ctx, contactID)
	if err != nil {
		return "", "", err
	}
	if len(ms) == 0 {
		return "目前没有登记由您联系的党员。", "", nil
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = s.memberRef(m)
	}
	return "由您联系的党员：" + strings.Join(names, "、"), ms[0].Name, nil
}
