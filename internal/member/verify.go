package member

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"liudong/bot"
	"liudong/internal/config"
	"liudong/internal/notify"
	"liudong/internal/secret"
	"liudong/internal/session"
	"liudong/internal/store"
)

// Verifier lets a member whose binding a platform re-login could not re-resolve (Reresolve
// marked it needs_verify) prove who they are, by chat and without the secretary: their birth
// date and, when the roster has their phone number, its last four digits — facts the roster
// holds and a look-alike nickname does not know. Wrong answers are limited per chat account
// (binding.max_failures, then binding.lockout) and per binding (three times as many a day, then
// self-service stops and the secretaries are told to issue a fresh binding code). A fresh code
// (绑定 123456) works at any time.
type Verifier struct {
	st       *store.Store
	box      *secret.Box
	rdb      redis.UniversalClient
	sessions *session.Store
	prefix   string
	cfg      config.Binding
}

// NewVerifier makes the verification service.
func NewVerifier(st *store.Store, box *secret.Box, rdb redis.UniversalClient, sessions *session.Store, redisPrefix string, cfg config.Binding) *Verifier {
	return &Verifier{st: st, box: box, rdb: rdb, sessions: sessions, prefix: redisPrefix, cfg: cfg}
}

// bindingLockout is how long a binding stays out of self-service after too many wrong answers
// from any chat accounts.
const bindingLockout = 24 * time.Hour

const verifyFlow = "verify"

// Candidates returns the bindings waiting for re-verification that a sender may be: the one
// its handle still points at (id.IdentityID), and those sharing any hint with the message
// (nickname, avatar id, remark). A shared hint only earns the right to answer the questions.
func (v *Verifier) Candidates(ctx context.Context, m *bot.Message, id *bot.Identity) ([]store.ChatIdentity, error) {
	all, err := v.st.UnverifiedIdentities(ctx, m.Platform, m.Account)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	hints := Contact{Nickname: m.Nick, AvatarID: m.AvatarID, Remark: m.Remark}
	var out []store.ChatIdentity
	for _, ci := range all {
		if ci.ID == id.IdentityID || hintScore(ci, hints) > 0 {
			out = append(out, ci)
		}
	}
	return out, nil
}

type verifyState struct {
	// Passed lists the bindings whose member's birth date the sender gave.
	Passed []int64 `json:"passed,omitempty"`
}

// Handle answers one private message of a sender who must re-verify first.
func (v *Verifier) Handle(c *bot.Context, cands []store.ChatIdentity) error {
	m := c.Msg
	who := m.Platform + ":" + m.Account + ":" + m.From
	if ttl, err := v.rdb.TTL(c, v.prefix+"verify:lock:"+who).Result(); err != nil {
		return fmt.Errorf("member: verification lockout: %w", err)
	} else if ttl > 0 {
		c.Outcome = "rejected"
		c.Replyf("身份确认的错误次数过多，请%s后再试，或向党支部书记索取新的绑定码后发送“绑定 123456”。", humanMinutes(ttl))
		return nil
	}
	open, err := v.unlocked(c, cands)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		c.Outcome = "rejected"
		c.Reply("您的身份需要重新确认，但自助确认已暂停。请向党支部书记索取新的绑定码，然后发送“绑定 123456”（把123456换成您的绑定码）。")
		return nil
	}
	key := session.Key{Platform: m.Platform, Account: m.Account, Subject: "h:" + m.From}
	st, ok, err := v.sessions.Get(c, key)
	if err != nil {
		return err
	}
	if !ok || st.Flow != verifyFlow {
		if err := v.sessions.Put(c, key, verifyFlow, "birth", verifyState{}, 0); err != nil {
			return err
		}
		c.Outcome = "ignored"
		c.Reply("您好！机器人的微信重新登录后，需要确认一次您的党员身份（之后不再询问）。请回复您的出生日期，例如：1985年3月7日。\n" +
			"也可以向党支部书记索取新的绑定码，发送“绑定 123456”。确认后，请把刚才的消息重新发一次。")
		return nil
	}
	var data verifyState
	if err := st.Decode(&data); err != nil {
		return err
	}
	members := map[int64]store.Member{}
	for _, ci := range open {
		mem, err := v.st.MemberByID(c, ci.MemberID)
		if err != nil {
			return err
		}
		members[ci.ID] = mem
	}
	text := bot.FoldString(c.Text)
	switch st.Step {
	case "phone":
		digits, ok := lastFour(text)
		if !ok {
			c.Outcome = "rejected"
			c.Reply("请回复您在党支部登记的手机号码的后4位数字，例如：5678。")
			return nil
		}
		var match []store.ChatIdentity
		for _, ci := range open {
			if !contains(data.Passed, ci.ID) {
				continue
			}
			phone, err := v.box.Open(members[ci.ID].PhoneEnc)
			if err != nil {
				return err
			}
			if d := onlyDigits(phone); len(d) >= 4 && d[len(d)-4:] == digits {
				match = append(match, ci)
			}
		}
		return v.decide(c, key, open, match, "手机号码后4位不对。")
	default:
		birth, ok := parseDate(text)
		if !ok {
			c.Outcome = "rejected"
			c.Reply("请回复您的出生日期，例如：1985年3月7日 或 1985-03-07。")
			return nil
		}
		var match []store.ChatIdentity
		for _, ci := range open {
			if members[ci.ID].BirthDate.Format(time.DateOnly) == birth.Format(time.DateOnly) {
				match = append(match, ci)
			}
		}
		if len(match) == 0 {
			return v.fail(c, key, open, "出生日期与登记的不一致。")
		}
		withPhone := false
		for _, ci := range match {
			if len(members[ci.ID].PhoneEnc) > 0 {
				withPhone = true
			}
		}
		if !withPhone {
			return v.decide(c, key, open, match, "")
		}
		data.Passed = nil
		for _, ci := range match {
			data.Passed = append(data.Passed, ci.ID)
		}
		if err := v.sessions.Put(c, key, verifyFlow, "phone", data, 0); err != nil {
			return err
		}
		c.Outcome = "ok"
		c.Reply("出生日期正确。请再回复您在党支部登记的手机号码的后4位数字。")
		return nil
	}
}

// decide finishes a verification when exactly one binding matched.
func (v *Verifier) decide(c *bot.Context, key session.Key, open, match []store.ChatIdentity, wrong string) error {
	switch len(match) {
	case 0:
		return v.fail(c, key, open, wrong)
	case 1:
		return v.confirm(c, key, match[0])
	}
	// Namesakes the facts cannot tell apart: only the secretary can.
	if err := v.sessions.Clear(c, key); err != nil {
		return err
	}
	c.Outcome = "rejected"
	c.Reply("登记信息相同的党员不止一位，无法自动确认。请向党支部书记索取新的绑定码，然后发送“绑定 123456”。")
	return nil
}

// confirm moves the binding to the sender's handle.
func (v *Verifier) confirm(c *bot.Context, key session.Key, ci store.ChatIdentity) error {
	m := c.Msg
	var mem store.Member
	err := v.st.InTx(c, func(tx *store.Store) error {
		if err := tx.UpdateIdentityHandle(c, ci.ID, m.From, m.Nick, m.AvatarID, m.Remark, false); err != nil {
			return err
		}
		mid := ci.MemberID
		if err := tx.Audit(c, store.AuditEntry{Actor: "member:" + strconv.FormatInt(mid, 10), ActorMemberID: &mid,
			Action: "member.reverify", TargetMemberID: &mid}, map[string]any{
			"platform": m.Platform, "account": m.Account, "identity": ci.ID, "nickname": m.Nick,
		}); err != nil {
			return err
		}
		var err error
		mem, err = tx.MemberByID(c, ci.MemberID)
		return err
	})
	if err != nil {
		return err
	}
	who := m.Platform + ":" + m.Account + ":" + m.From
	v.rdb.Del(c, v.prefix+"verify:fail:"+who, v.prefix+"verify:bfail:"+strconv.FormatInt(ci.ID, 10))
	if err := v.sessions.Clear(c, key); err != nil {
		return err
	}
	c.Outcome = "ok"
	c.Replyf("身份已确认：%s同志（%s）。刚才的消息没有处理，请重新发送；发送“帮助”查看我能为您做什么。", mem.Name, mem.BranchName)
	return nil
}

// fail counts a wrong answer against the chat account and against every binding it tried.
func (v *Verifier) fail(c *bot.Context, key session.Key, open []store.ChatIdentity, text string) error {
	m := c.Msg
	who := m.Platform + ":" + m.Account + ":" + m.From
	c.Outcome = "rejected"
	for _, ci := range open {
		bkey := v.prefix + "verify:bfail:" + strconv.FormatInt(ci.ID, 10)
		n, err := v.rdb.Incr(c, bkey).Result()
		if err != nil {
			return fmt.Errorf("member: count verification failure: %w", err)
		}
		if n == 1 {
			v.rdb.Expire(c, bkey, bindingLockout)
		}
		if int(n) == 3*v.cfg.MaxFailures {
			if err := v.lockBinding(c, ci); err != nil {
				return err
			}
		}
	}
	fkey := v.prefix + "verify:fail:" + who
	n, err := v.rdb.Incr(c, fkey).Result()
	if err != nil {
		return fmt.Errorf("member: count verification failure: %w", err)
	}
	v.rdb.Expire(c, fkey, v.cfg.Lockout)
	if left := v.cfg.MaxFailures - int(n); left > 0 {
		c.Replyf("%s还可以再试%d次。", text, left)
		return nil
	}
	v.rdb.Set(c, v.prefix+"verify:lock:"+who, "1", v.cfg.Lockout)
	v.rdb.Del(c, fkey)
	if err := v.sessions.Clear(c, key); err != nil {
		return err
	}
	c.Replyf("%s已连续错误%d次，身份确认暂停%s。如有疑问，请向党支部书记索取新的绑定码。", text, v.cfg.MaxFailures, humanMinutes(v.cfg.Lockout))
	return nil
}

// lockBinding takes a binding out of self-service for a day and tells its secretaries.
func (v *Verifier) lockBinding(c *bot.Context, ci store.ChatIdentity) error {
	v.rdb.Set(c, v.prefix+"verify:block:"+strconv.FormatInt(ci.ID, 10), "1", bindingLockout)
	mem, err := v.st.MemberByID(c, ci.MemberID)
	if err != nil {
		return err
	}
	id, err := notify.Enqueue(c, v.st, notify.Message{
		Kind:      "identity.verify_blocked",
		Period:    fmt.Sprintf("%d:%s", ci.ID, c.Now().Format(time.DateOnly)),
		OrgUnitID: mem.BranchID,
		Text: fmt.Sprintf("提醒：有人多次尝试以%s（%s）的身份在微信上确认身份，均未通过，自助确认已暂停24小时。"+
			"如本人需要，请发送“邀请码 %s”生成新的绑定码，当面或电话告知本人。", mem.Name, mem.BranchName, mem.Name),
	})
	if err != nil {
		return err
	}
	if id != 0 {
		c.Notified(id)
	}
	return nil
}

// unlocked drops the bindings taken out of self-service.
func (v *Verifier) unlocked(ctx context.Context, cands []store.ChatIdentity) ([]store.ChatIdentity, error) {
	var out []store.ChatIdentity
	for _, ci := range cands {
		n, err := v.rdb.Exists(ctx, v.prefix+"verify:block:"+strconv.FormatInt(ci.ID, 10)).Result()
		if err != nil {
			return nil, fmt.Errorf("member: verification block: %w", err)
		}
		if n == 0 {
			out = append(out, ci)
		}
	}
	return out, nil
}

var datePattern = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(\d{4})(\d{2})(\d{2})`)

// parseDate reads a date as members type it: 1985年3月7日, 1985-03-07, 1985/3/7, 1985.3.7, 19850307.
func parseDate(s string) (time.Time, bool) {
	g := datePattern.FindStringSubmatch(s)
	if g == nil {
		return time.Time{}, false
	}
	y, m, d := g[1], g[2], g[3]
	if y == "" {
		y, m, d = g[4], g[5], g[6]
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di || yi < 1900 {
		return time.Time{}, false
	}
	return t, true
}

// lastFour reads the four digits of an answer ("5678", "尾号5678").
func lastFour(s string) (string, bool) {
	d := onlyDigits(s)
	if len(d) != 4 {
		return "", false
	}
	return d, true
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
