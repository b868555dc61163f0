package archive

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/internal/location"
	"liudong/internal/parse"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// Basic is the member's record: gender, age, education, category, joining date, phone (masked,
// and left out in group chats), employer and duty.
func Basic(box *secret.Box) Section {
	return Section{Name: "基本情况", Render: func(_ context.Context, req Request) (string, error) {
		m := req.Member
		parts := []string{m.Gender}
		birth := m.BirthDate
		parts = append(parts, fmt.Sprintf("%d岁（%d年%d月生）", age(birth, req.Now), birth.Year(), birth.Month()))
		parts = append(parts, m.Education)
		if m.Category != "" {
			parts = append(parts, m.Category)
		}
		text := strings.Join(parts, "，")
		var more []string
		if m.JoinedOn != nil {
			more = append(more, fmt.Sprintf("%d年%d月入党", m.JoinedOn.Year(), m.JoinedOn.Month()))
		}
		if m.Duty != "" {
			more = append(more, "支部"+m.Duty)
		}
		if m.Employer != "" {
			more = append(more, "工作单位："+m.Employer)
		}
		if len(m.PhoneEnc) > 0 && !req.InGroup {
			phone, err := box.Open(m.PhoneEnc)
			if err != nil {
				return "", err
			}
			more = append(more, "手机："+secret.MaskPhone(phone))
		}
		if len(more) > 0 {
			text += "；" + strings.Join(more, "；")
		}
		return text, nil
	}}
}

// age is the age in whole years at now.
func age(birth, now time.Time) int {
	y := now.Year() - birth.Year()
	if now.Month() < birth.Month() || (now.Month() == birth.Month() && now.Day() < birth.Day()) {
		y--
	}
	return y
}

// Mobility is the member's status: 流出 (an open departure, or marked 流出 in the roster) with
// the departure's date, place and reason; 流入; or 在家, with the last return if any.
func Mobility(st *store.Store) Section {
	return Section{Name: "流动状态", Render: func(ctx context.Context, req Request) (string, error) {
		m := req.Member
		if m.TransferredOutOn != nil {
			return fmt.Sprintf("已转出——组织关系已于%s转至接收党组织（见“组织关系接转”），不再计入本支部", date(*m.TransferredOutOn)), nil
		}
		deps, err := st.DeparturesOf(ctx, m.ID)
		if err != nil {
			return "", err
		}
		for _, d := range deps {
			if d.ReturnedOn == nil {
				return fmt.Sprintf("流出——%s外出到%s，%s，已外出%d天", date(d.DepartedOn), place(d), d.Reason,
					daysBetween(d.DepartedOn, req.Now)), nil
			}
		}
		switch m.Mobility {
		case "流出":
			return "流出（外出日期和地点尚未登记）", nil
		case "流入":
			return "流入（在本支部登记的流入党员）", nil
		}
		if len(deps) > 0 && deps[0].ReturnedOn != nil {
			d := deps[0]
			return fmt.Sprintf("在家——%s返乡（此前%s外出到%s）", date(*d.ReturnedOn), date(d.DepartedOn), place(d)), nil
		}
		return "在家", nil
	}}
}

// place names where a departure went: the resolved region when its code is known, with what
// was written when that says more.
func place(d store.Departure) string {
	code := d.CountyCode
	if code == "" {
		code = d.CityCode
	}
	if code == "" {
		code = d.ProvinceCode
	}
	if r, ok := location.Default().ByCode(code); ok && code != "" {
		label := r.Label()
		if d.Place != "" && !strings.Contains(label, d.Place) && !strings.Contains(d.Place, label) {
			return label + "（" + d.Place + "）"
		}
		return label
	}
	if d.Place == "" {
		return "地点未登记"
	}
	return d.Place
}

func date(t time.Time) string { return parse.FormatDate(t) }

// daysBetween counts calendar days from the date on to now's date (dates are stored without a
// zone: compare them as dates).
func daysBetween(on, now time.Time) int {
	a := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}
