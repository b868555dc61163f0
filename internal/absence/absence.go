// Package absence records justified absences (正当理由): a secretary's record that a member
// cannot take part in organizational life or pay dues for a good reason (illness, …) until a
// date. The six-month warnings are suspended meanwhile (store.JustifiedAbsenceCovers).
package absence

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liudong/bot"
	"liudong/internal/member"
	"liudong/internal/store"
)

// Register adds 正当理由.
func Register(r *bot.Router, st *store.Store) {
	r.Add(bot.Command{
		Name: "正当理由", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "正当理由 张三 住院治疗 至2027年1月", Summary: "记录党员的正当理由，期间不发脱党风险预警",
		Handler: func(c *bot.Context) error { return record(c, st) },
	})
}

const usage = "正当理由 张三 住院治疗 至2027年1月"

// untilPattern is the end of the absence at the end of the text: 至2027年1月, 至2027年1月15日,
// 到2027-01-15, 至2027/1, 至1月 (the next such month).
var untilPattern = regexp.MustCompile(`(?:截至|直到|至|到)\s*(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2})\s*(?:月份?底?)?(?:\s*[\-/.]?\s*(\d{1,2})\s*[日号]?)?\s*(?:为止|止)?\s*$`)

// ParseReason splits "住院治疗 至2027年1月" into the reason and the last day (inclusive) of the
// absence; a month without a day means its last day, a date without a year the next such date
// from today. ok is false when no end date is written.
func ParseReason(text string, today time.Time) (reason string, until time.Time, ok bool, err error) {
	folded := bot.FoldString(text)
	loc := untilPattern.FindStringIndex(folded)
	if loc == nil {
		return strings.TrimSpace(text), time.Time{}, false, nil
	}
	sub := untilPattern.FindStringSubmatch(folded[loc[0]:])
	month, _ := strconv.Atoi(sub[2])
	if month < 1 || month > 12 {
		return "", time.Time{}, false, fmt.Errorf("月份“%d”不对", month)
	}
	year := today.Year()
	if sub[1] != "" {
		year, _ = strconv.Atoi(sub[1])
	}
	day := 0
	if sub[3] != "" {
		day, _ = strconv.Atoi(sub[3])
	}
	end := func(y int) time.Time {
		if day == 0 {
			return time.Date(y, time.Month(month)+1, 0, 0, 0, 0, 0, today.Location())
		}
		return time.Date(y, time.Month(month), day, 0, 0, 0, 0, today.Location())
	}
	until = end(year)
	if day != 0 && until.Day() != day {
		return "", time.Time{}, false, fmt.Errorf("%d年%d月没有%d日", year, month, day)
	}
	if sub[1] == "" && until.Before(today) {
		until = end(year + 1)
	}
	// Folding maps one rune to one rune (not byte to byte): cut the original at the same rune.
	head := runePrefix(text, utf8.RuneCountInString(folded[:loc[0]]))
	reason = bot.TrimSeparators(strings.TrimRightFunc(head, bot.IsSeparator))
	return reason, until, true, nil
}

// runePrefix returns the first n runes of s.
func runePrefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func record(c *bot.Context, st *store.Store) error {
	target, rest, err := member.Find(c, st, c.Identity, "正当理由", c.Args)
	if err != nil {
		return err
	}
	now := c.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if strings.TrimSpace(rest) == "" {
		a, err := st.JustifiedAbsenceOn(c, target.ID, today)
		if store.IsNotFound(err) {
			return bot.Reject("%s目前没有登记正当理由。登记请发送：正当理由 %s 住院治疗 至2027年1月", target.Name, target.Name)
		}
		if err != nil {
			return err
		}
		c.Replyf("%s的正当理由：%s，%s至%s。", target.Name, a.Reason, cnDate(a.StartsOn), cnDate(a.UntilOn))
		return nil
	}
	reason, until, ok, err := ParseReason(rest, today)
	switch {
	case err != nil:
		return bot.Reject("截止日期有误：%v。例如：%s", err, usage)
	case !ok:
		return bot.Reject("请写明截止日期，例如：%s", usage)
	case reason == "":
		return bot.Reject("请写明理由，例如：%s", usage)
	case until.Before(today):
		return bot.Reject("截止日期%s已经过去了，请检查。", cnDate(until))
	case until.After(today.AddDate(5, 0, 0)):
		return bot.Reject("截止日期%s超过五年，请检查。", cnDate(until))
	}
	if n := len([]rune(reason)); n > 200 {
		return bot.Reject("理由太长了（%d字），请控制在200字以内。", n)
	}
	actor := c.Identity.MemberID
	var inbound *int64
	if c.InboundID != 0 {
		inbound = &c.InboundID
	}
	a := store.JustifiedAbsence{MemberID: target.ID, Reason: reason, StartsOn: today, UntilOn: until, RecordedBy: &actor, InboundID: inbound}
	err = st.InTx(c, func(tx *store.Store) error {
		if err := tx.InsertJustifiedAbsence(c, &a); err != nil {
			return err
		}
		return tx.Audit(c, store.AuditEntry{Actor: "member:" + strconv.FormatInt(actor, 10), ActorMemberID: &actor,
			Action: "justified_absence.record", OrgUnitID: &target.BranchID, TargetMemberID: &target.ID, InboundID: inbound},
			map[string]any{"absence_id": a.ID, "reason": reason, "starts_on": today.Format(time.DateOnly), "until_on": until.Format(time.DateOnly)})
	})
	if err != nil {
		return err
	}
	c.Replyf("已记录：%s（%s）因“%s”，%s至%s期间不发送六个月未参加组织生活、未交党费的预警（脱党风险提醒）。",
		target.Name, target.BranchName, reason, cnDate(today), cnDate(until))
	return nil
}

func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}
