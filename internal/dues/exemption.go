package dues

import (
	"errors"
	"fmt"
	"strings"
)

// ExemptionKind says whether dues are waived or reduced.
type ExemptionKind string

const (
	Waive  ExemptionKind = "waive"  // 免交
	Reduce ExemptionKind = "reduce" // 减交
)

// Exemption waives or reduces a member's dues for a span of months: a branch
// may do so for a member in hardship, approved by the organisation one level up.
type Exemption struct {
	From, To   Month // inclusive
	Kind       ExemptionKind
	ReducedTo  Fen // monthly amount owed instead, for Reduce
	Reason     string
	ApprovedBy string // the approving organisation one level up
}

// Validate checks e on its own; a Ledger also checks it against the assessment.
func (e Exemption) Validate() error {
	switch {
	case !e.From.Valid() || !e.To.Valid():
		return errors.New("免交/减交的起止月份无效")
	case e.To.Before(e.From):
		return fmt.Errorf("免交/减交起止月份颠倒：%s至%s", e.From, e.To)
	case strings.TrimSpace(e.Reason) == "":
		return errors.New("免交/减交需注明原因")
	case strings.TrimSpace(e.ApprovedBy) == "":
		return errors.New("免交/减交需经上一级党组织批准，请注明批准单位")
	}
	switch e.Kind {
	case Waive:
		if e.ReducedTo != 0 {
			return errors.New("免交不应填写减交后金额")
		}
	case Reduce:
		if e.ReducedTo <= 0 {
			return errors.New("减交需填写减交后每月金额（大于0）")
		}
	default:
		return fmt.Errorf("未知的免交/减交类型“%s”", e.Kind)
	}
	return nil
}

// Covers reports whether m lies within e.
func (e Exemption) Covers(m Month) bool { return !m.Before(e.From) && !m.After(e.To) }

// Explain renders e in one line, e.g.
// "2026年6月-8月免交党费（原因：住院治疗；经某某镇党委批准）".
func (e Exemption) Explain() string {
	what := "免交党费"
	if e.Kind == Reduce {
		what = "党费减为每月" + e.ReducedTo.String()
	}
	return fmt.Sprintf("%s%s（原因：%s；经%s批准）", FormatMonths(e.From, e.To), what, e.Reason, e.ApprovedBy)
}
