package collect

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"liudong/bot"
	"liudong/internal/dues"
)

// The arguments of the secretary's dues commands, after the member's name. Parsing is
// order-tolerant: a token is recognised by its form (a month, an amount, a marker, a label),
// and whatever is left is the note or reason.

var (
	// "2026年10月 - 12月" → "2026年10月-12月", so a spaced range stays one token.
	spacedRange = regexp.MustCompile(`([0-9０-９月])\s*([-~～至到—－])\s*([0-9０-９])`)
	monthLike   = regexp.MustCompile(`^(?:补交?|预交|交|共)?(?:[0-9]{4}\s*[年./-]|[0-9一二两三四五六七八九十]+个月)`)
	amountLike  = regexp.MustCompile(`^¥?[0-9][0-9,.]*(?:元|块钱|块)?整?$`)
	recordRef   = regexp.MustCompile(`^(?:#|记录|第|编号)?#?([0-9]{1,12})号?(?:记录)?$`)
	approval    = regexp.MustCompile(`^(?:已经|经|由|报)?(.+?)(?:审批|批准|批复|同意)(?:同意)?$`)
	fromMonth   = regexp.MustCompile(`^(?:自|从)?(.+?)(?:起算|开始|起)?$`)
)

// token is one word of the arguments: Text as typed, Folded for recognition.
type token struct {
	Text, Folded string
	start, end   int // byte offsets of Text in the arguments
}

// tokens splits arguments at spaces, commas and semicolons (not at colons: they join labels
// to values).
func tokens(s string) ([]token, string) {
	s = spacedRange.ReplaceAllString(s, "$1$2$3")
	var out []token
	start := -1
	for i, r := range s {
		sep := bot.IsSpace(r) || strings.ContainsRune(",，;；、", r)
		switch {
		case sep && start >= 0:
			out = append(out, token{Text: s[start:i], Folded: bot.FoldString(s[start:i]), start: start, end: i})
			start = -1
		case !sep && start < 0:
			start = i
		}
	}
	if start >= 0 {
		out = append(out, token{Text: s[start:], Folded: bot.FoldString(s[start:]), start: start, end: len(s)})
	}
	return out, s
}

// joinText rejoins tokens as typed: neighbours keep the separators between them.
func joinText(src string, ts []token, idx []int) string {
	var b strings.Builder
	for k, i := range idx {
		if k > 0 {
			if prev := idx[k-1]; prev == i-1 {
				b.WriteString(src[ts[prev].end:ts[i].start])
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(ts[i].Text)
	}
	return b.String()
}

// cutLabel removes a leading label ("备注：", "月收入") and the colon after it.
func cutLabel(tok string, labels ...string) (string, bool) {
	for _, l := range labels {
		if rest, ok := strings.CutPrefix(tok, l); ok {
			return strings.TrimLeft(rest, ":：为是 "), true
		}
	}
	return tok, false
}

// parseAmount reads an amount as typed ("12.5", "40元", "40块").
func parseAmount(tok string) (dues.Fen, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(tok, "钱"), "块")
	if t != tok {
		t += "元"
	}
	return dues.ParseYuan(t)
}

// noteText is the remark made of the tokens idx, without a leading label.
func noteText(src string, ts []token, idx []int) string {
	s, _ := cutLabel(joinText(src, ts, idx), "备注", "说明", "原因", "理由", "注")
	return strings.TrimSpace(s)
}

// paymentArgs is 收党费's arguments: "2026年11月 12.5", "3个月 120 流入地", "2026年1月-8月 320
// 外出期间无法缴纳".
type paymentArgs struct {
	Months    dues.MonthSpan
	HasMonths bool
	Amount    dues.Fen
	Inflow    bool
	PlaceName string
	Note      string
}

func parsePayment(args string) (paymentArgs, error) {
	var p paymentArgs
	var rest []int
	ts, src := tokens(args)
	for i, t := range ts {
		tok := t.Folded
		switch {
		case strings.HasPrefix(tok, "流入地") || strings.HasPrefix(tok, "在流入地"):
			p.Inflow = true
			name := strings.TrimPrefix(strings.TrimPrefix(t.Text, "在"), "流入地")
			name = strings.Trim(name, ":：()（）【】[]")
			for _, suf := range []string{"收缴", "缴纳", "缴费", "缴", "交"} {
				name = strings.TrimSuffix(name, suf)
			}
			if name != "" {
				p.PlaceName = strings.Trim(name, ":：()（）【】[]")
			}
		case !p.HasMonths && monthLike.MatchString(tok):
			sp, err := dues.ParseMonthSpan(tok)
			if err != nil {
				return p, err
			}
			p.Months, p.HasMonths = sp, true
		case p.Amount == 0 && amountLike.MatchString(tok):
			a, err := parseAmount(tok)
			if err != nil {
				return p, err
			}
			if a == 0 {
				return p, errors.New("实收金额应大于0")
			}
			p.Amount = a
		default:
			rest = append(rest, i)
		}
	}
	p.Note = noteText(src, ts, rest)
	if !p.HasMonths {
		return p, errors.New("请写明缴费月份，例如：收党费 张三 2026年11月 40（也可以写2026年10月-12月，或“3个月”表示从最早未缴的月份起3个月）")
	}
	return p, nil
}

// parseExemption reads 减免's arguments: "2026年11月-2027年4月 免交 生活困难 镇党委批准",
// "2026年11月-12月 减交每月5元 因病 经示范镇党委批准". A count of months starts this month.
func parseExemption(args string, today dues.Month) (dues.Exemption, error) {
	var e dues.Exemption
	var haveMonths, wantAmount bool
	var rest []int
	ts, src := tokens(args)
	for i, t := range ts {
		tok := t.Folded
		switch {
		case !haveMonths && monthLike.MatchString(tok):
			sp, err := dues.ParseMonthSpan(tok)
			if err != nil {
				return e, err
			}
			if e.From, e.To, err = sp.Resolve(today); err != nil {
				return e, err
			}
			haveMonths = true
		case e.Kind == "" && (tok == "免" || strings.HasPrefix(tok, "免交") || strings.HasPrefix(tok, "免缴") ||
			strings.HasPrefix(tok, "免收") || strings.HasPrefix(tok, "全免")):
			e.Kind = dues.Waive
		case e.Kind == "" && strings.HasPrefix(tok, "减"):
			e.Kind = dues.Reduce
			amount, _ := cutLabel(tok, "减交为", "减交至", "减缴为", "减缴至", "减交", "减缴", "减为", "减至", "减按", "减收")
			amount, _ = cutLabel(amount, "每月", "月")
			if amount == "" {
				wantAmount = true
				continue
			}
			a, err := parseAmount(amount)
			if err != nil {
				return e, fmt.Errorf("减交后的每月金额：%v", err)
			}
			e.ReducedTo = a
		case wantAmount && e.ReducedTo == 0 && amountLike.MatchString(strings.TrimPrefix(strings.TrimPrefix(tok, "每月"), "为")):
			a, err := parseAmount(strings.TrimPrefix(strings.TrimPrefix(tok, "每月"), "为"))
			if err != nil {
				return e, fmt.Errorf("减交后的每月金额：%v", err)
			}
			e.ReducedTo = a
		case e.ApprovedBy == "" && (strings.HasPrefix(tok, "批准单位") || strings.HasPrefix(tok, "批准机关")):
			e.ApprovedBy, _ = cutLabel(t.Text, "批准单位", "批准机关")
		case e.ApprovedBy == "" && approval.MatchString(t.Text):
			e.ApprovedBy = approval.FindStringSubmatch(t.Text)[1]
		default:
			rest = append(rest, i)
		}
	}
	e.Reason = noteText(src, ts, rest)
	switch {
	case !haveMonths:
		return e, errors.New("请写明减免的月份，例如：2026年11月-2027年4月")
	case e.Kind == "":
		return e, errors.New("请写明“免交”或“减交每月X元”")
	case e.Kind == dues.Reduce && e.ReducedTo == 0:
		return e, errors.New("请写明减交后的每月金额，例如：减交每月5元")
	case e.Reason == "":
		return e, errors.New("请写明减免原因，例如：生活困难")
	case e.ApprovedBy == "":
		return e, errors.New("减免需经党支部的上一级党组织批准，请写明批准单位，例如：镇党委批准")
	}
	return e, nil
}

// parseReassess reads 核定党费's arguments: "月收入5200", "在职 5200", "离退休 养老金4800",
// "农民", "个体 上季度收入15000", "年薪制 当月薪酬12000 自2026年9月".
func parseReassess(args string) (ReassessInput, error) {
	var in ReassessInput
	var pending *dues.Fen
	var notes []int
	example := "例如：核定党费 张三 在职 月收入5200，或 核定党费 张三 个体 上季度收入15000 自2026年10月"
	ts, src := tokens(args)
	if len(ts) == 0 {
		return in, fmt.Errorf("请写明人员类别或收入，%s", example)
	}
	setAmount := func(dst *dues.Fen, text, label string) error {
		if text == "" {
			pending = dst
			return nil
		}
		a, err := parseAmount(text)
		if err != nil {
			return fmt.Errorf("%s：%v", label, err)
		}
		*dst = a
		return nil
	}
	for i, t := range ts {
		tok := t.Folded
		if len(notes) > 0 {
			notes = append(notes, i)
			continue
		}
		if pending != nil && amountLike.MatchString(tok) {
			if err := setAmount(pending, tok, "金额"); err != nil {
				return in, err
			}
			pending = nil
			continue
		}
		if c, err := dues.ParseCategory(tok); err == nil && in.Category == "" {
			in.Category = c
			continue
		}
		if v, ok := cutLabel(tok, "上季度总收入", "上季度纯收入", "上季度收入", "季度收入", "季度总收入"); ok {
			if err := setAmount(&in.QuarterTotal, v, "上季度收入"); err != nil {
				return in, err
			}
			continue
		}
		if v, ok := cutLabel(tok, "税后月收入", "月平均收入", "月均收入", "月收入", "收入", "月工资", "工资", "月薪",
			"当月薪酬", "薪酬", "基本养老金", "月养老金", "养老金", "退休金", "退休工资"); ok {
			if err := setAmount(&in.Income, v, "收入"); err != nil {
				return in, err
			}
			continue
		}
		if _, ok := cutLabel(tok, "备注", "说明", "原因"); ok {
			notes = append(notes, i)
			continue
		}
		if in.Income == 0 && amountLike.MatchString(tok) {
			if err := setAmount(&in.Income, tok, "收入"); err != nil {
				return in, err
			}
			continue
		}
		if g := fromMonth.FindStringSubmatch(tok); g != nil && in.From.IsZero() && monthLike.MatchString(g[1]) {
			m, err := dues.ParseMonth(g[1])
			if err != nil {
				return in, err
			}
			in.From = m
			continue
		}
		return in, fmt.Errorf("看不懂“%s”。%s", t.Text, example)
	}
	if pending != nil {
		return in, fmt.Errorf("请在收入后写上金额，%s", example)
	}
	in.Note = noteText(src, ts, notes)
	return in, nil
}

// errNoRef means a correction names neither an entry nor a month.
var errNoRef = errors.New("collect: no entry named")

// parseRef reads the entry a correction names and the reason: "#12 金额录错",
// "2026年11月 重复登记".
func parseRef(args string, allowID bool) (PaymentRef, string, error) {
	ts, src := tokens(args)
	if len(ts) == 0 {
		return PaymentRef{}, "", errNoRef
	}
	var ref PaymentRef
	tok := ts[0].Folded
	switch g := recordRef.FindStringSubmatch(tok); {
	case g != nil && allowID && !monthLike.MatchString(tok):
		id, err := strconv.ParseInt(g[1], 10, 64)
		if err != nil {
			return ref, "", err
		}
		ref.ID = id
	case monthLike.MatchString(tok):
		sp, err := dues.ParseMonthSpan(tok)
		if err != nil {
			return ref, "", err
		}
		if sp.Count > 0 {
			return ref, "", fmt.Errorf("请写明具体月份，如2026年11月")
		}
		ref.Month = sp.From
	default:
		return ref, "", errNoRef
	}
	rest := make([]int, 0, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		rest = append(rest, i)
	}
	return ref, noteText(src, ts, rest), nil
}
