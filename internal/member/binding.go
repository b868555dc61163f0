// Package member covers who a member is to the bot: binding a chat account with a code the
// secretary issues, and finding the member a secretary's command names.
package member

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"liudong/internal/config"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// Binding issues binding codes and binds chat accounts.
type Binding struct {
	st     *store.Store
	box    *secret.Box
	rdb    redis.UniversalClient
	prefix string
	cfg    config.Binding
	// Welcome answers a contact who has just bound (set while wiring the app).
	Welcome ContactWelcome
}

// NewBinding makes the binding service.
func NewBinding(st *store.Store, box *secret.Box, rdb redis.UniversalClient, redisPrefix string, cfg config.Binding) *Binding {
	return &Binding{st: st, box: box, rdb: rdb, prefix: redisPrefix, cfg: cfg}
}

// IssuedCode is a fresh code; only its hash is stored, so this is the one time it is seen.
type IssuedCode struct {
	Code      string
	ExpiresAt time.Time
}

// IssueCode draws a new 6-digit code for the member, replacing any earlier live one.
func (b *Binding) IssueCode(ctx context.Context, memberID int64, issuedBy string, now time.Time) (IssuedCode, error) {
	return b.issue(ctx, store.BindingCode{MemberID: memberID}, issuedBy, now)
}

// IssueContactCode draws a new code for an organization contact outside the committee.
func (b *Binding) IssueContactCode(ctx context.Context, contactID int64, issuedBy string, now time.Time) (IssuedCode, error) {
	return b.issue(ctx, store.BindingCode{ContactID: &contactID}, issuedBy, now)
}

func (b *Binding) issue(ctx context.Context, target store.BindingCode, issuedBy string, now time.Time) (IssuedCode, error) {
	for range 20 {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return IssuedCode{}, fmt.Errorf("member: no randomness: %w", err)
		}
		code := fmt.Sprintf("%06d", n.Int64())
		c := &store.BindingCode{
			MemberID:  target.MemberID,
			ContactID: target.ContactID,
			CodeHash:  b.hash(code),
			IssuedBy:  issuedBy,
			ExpiresAt: now.Add(b.cfg.CodeTTL),
		}
		err = b.st.InsertBindingCode(ctx, c, now)
		if errors.Is(err, store.ErrConflict) {
			continue // another live code has this value
		}
		if err != nil {
			return IssuedCode{}, err
		}
		return IssuedCode{Code: code, ExpiresAt: c.ExpiresAt}, nil
	}
	return IssuedCode{}, errors.New("member: could not draw an unused binding code")
}

func (b *Binding) hash(code string) string { return b.box.MAC("binding-code", code) }

// Handle is the chat account asking to bind.
type Handle struct {
	Platform, Account, Handle  string
	Nickname, AvatarID, Remark string
}

func (h Handle) key() string { return h.Platform + ":" + h.Account + ":" + h.Handle }

// BindError is a refusal meant for the member.
type BindError struct{ Text string }

func (e *BindError) Error() string { return e.Text }

// Bound is the result of a successful binding: a member's, or a contact's (Contact set).
type Bound struct {
	Member  store.Member
	Contact *store.OrgContact
	// Rebound is set when the member had another chat account bound on this bot account.
	Rebound bool
}

// Bind binds the chat account to the member the code was issued for. Wrong, expired and used
// codes count as failures; after MaxFailures the account is locked out for Lockout.
func (b *Binding) Bind(ctx context.Context, h Handle, code string, now time.Time) (Bound, error) {
	lockKey := b.prefix + "bind:lock:" + h.key()
	failKey := b.prefix + "bind:fail:" + h.key()
	if ttl, err := b.rdb.TTL(ctx, lockKey).Result(); err != nil {
		return Bound{}, fmt.Errorf("member: lockout check: %w", err)
	} else if ttl > 0 {
		return Bound{}, &BindError{Text: fmt.Sprintf("绑定码输错次数过多，请%s后再试。", humanMinutes(ttl))}
	}
	fail := func(text string) (Bound, error) {
		n, err := b.rdb.Incr(ctx, failKey).Result()
		if err != nil {
			return Bound{}, fmt.Errorf("member: count failure: %w", err)
		}
		b.rdb.Expire(ctx, failKey, b.cfg.Lockout)
		left := b.cfg.MaxFailures - int(n)
		if left <= 0 {
			b.rdb.Set(ctx, lockKey, "1", b.cfg.Lockout)
			b.rdb.Del(ctx, failKey)
			return Bound{}, &BindError{Text: text + fmt.Sprintf("已连续输错%d次，绑定功能暂停%s。", b.cfg.MaxFailures, humanMinutes(b.cfg.Lockout))}
		}
		return Bound{}, &BindError{Text: text + fmt.Sprintf("还可以再试%d次。", left)}
	}
	if len(code) != 6 || !allDigits(code) {
		return fail("绑定码是6位数字，请检查后重新发送，例如“绑定 482913”。")
	}
	c, err := b.st.BindingCodeByHash(ctx, b.hash(code))
	switch {
	case store.IsNotFound(err):
		return fail("绑定码不正确。")
	case err != nil:
		return Bound{}, err
	case c.UsedAt != nil:
		return fail("这个绑定码已经使用过了，每个绑定码只能用一次。如需重新绑定，请向书记索取新的绑定码。")
	case c.RevokedAt != nil:
		return fail("这个绑定码已经作废（书记已为您生成了新的绑定码），请使用最新的绑定码。")
	case !c.ExpiresAt.After(now):
		return fail(fmt.Sprintf("这个绑定码已于%s过期，请向书记索取新的绑定码。", c.ExpiresAt.In(now.Location()).Format("1月2日15:04")))
	}
	if c.ContactID != nil {
		return b.bindContact(ctx, h, c, now, failKey)
	}
	if contact, err := b.st.ContactByHandle(ctx, h.Platform, h.Account, h.Handle); err == nil {
		return Bound{}, &BindError{Text: fmt.Sprintf("这个微信已经绑定为%s的联系人，不能再绑定党员身份。如有错误，请联系书记处理。", contact.Contact.Org)}
	} else if !store.IsNotFound(err) {
		return Bound{}, err
	}
	existing, err := b.st.IdentityByHandle(ctx, h.Platform, h.Account, h.Handle)
	if err == nil && existing.MemberID != c.MemberID {
		other, err := b.st.MemberByID(ctx, existing.MemberID)
		if err != nil {
			return Bound{}, err
		}
		return Bound{}, &BindError{Text: fmt.Sprintf("这个微信已经绑定了党员%s，不能再绑定其他人。如有错误，请联系书记处理。", other.Name)}
	} else if err != nil && !store.IsNotFound(err) {
		return Bound{}, err
	}
	var res Bound
	err = b.st.InTx(ctx, func(tx *store.Store) error {
		ok, err := tx.UseBindingCode(ctx, c.ID, h.key(), now)
		if err != nil {
			return err
		}
		if !ok {
			return &BindError{Text: "这个绑定码刚刚已被使用或作废，请向书记索取新的绑定码。"}
		}
		if prev, err := tx.IdentityOfMember(ctx, h.Platform, h.Account, c.MemberID); err == nil {
			res.Rebound = prev.Handle != h.Handle
		} else if !store.IsNotFound(err) {
			return err
		}
		ci := &store.ChatIdentity{MemberID: c.MemberID, Platform: h.Platform, Account: h.Account, Handle: h.Handle,
			Nickname: h.Nickname, AvatarID: h.AvatarID, Remark: h.Remark}
		if err := tx.BindIdentity(ctx, ci); err != nil {
			return err
		}
		memberID := c.MemberID
		if err := tx.Audit(ctx, store.AuditEntry{Actor: "member:" + strconv.FormatInt(memberID, 10), ActorMemberID: &memberID,
			Action: "member.bind", TargetMemberID: &memberID}, map[string]any{
			"platform": h.Platform, "account": h.Account, "nickname": h.Nickname, "code_id": c.ID, "rebound": res.Rebound,
		}); err != nil {
			return err
		}
		m, err := tx.MemberByID(ctx, c.MemberID)
		res.Member = m
		return err
	})
	if err != nil {
		return Bound{}, err
	}
	b.rdb.Del(ctx, failKey)
	return res, nil
}

// bindContact binds the chat account to the organization contact the code was issued for.
func (b *Binding) bindContact(ctx context.Context, h Handle, c store.BindingCode, now time.Time, failKey string) (Bound, error) {
	if existing, err := b.st.IdentityByHandle(ctx, h.Platform, h.Account, h.Handle); err == nil {
		other, err := b.st.MemberByID(ctx, existing.MemberID)
		if err != nil {
			return Bound{}, err
		}
		return Bound{}, &BindError{Text: fmt.Sprintf("这个微信已经绑定了党员%s，不能再绑定为联系人。请用另一个微信绑定，或联系书记处理。", other.Name)}
	} else if !store.IsNotFound(err) {
		return Bound{}, err
	}
	var res Bound
	err := b.st.InTx(ctx, func(tx *store.Store) error {
		ok, err := tx.UseBindingCode(ctx, c.ID, h.key(), now)
		if err != nil {
			return err
		}
		if !ok {
			return &BindError{Text: "这个绑定码刚刚已被使用或作废，请向书记索取新的绑定码。"}
		}
		ci := &store.ContactIdentity{ContactID: *c.ContactID, Platform: h.Platform, Account: h.Account, Handle: h.Handle,
			Nickname: h.Nickname, AvatarID: h.AvatarID, Remark: h.Remark}
		if err := tx.BindContactIdentity(ctx, ci); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &BindError{Text: "这个微信已经绑定为其他联系人，不能重复绑定。如有错误，请联系书记处理。"}
			}
			return err
		}
		if err := tx.Audit(ctx, store.AuditEntry{Actor: "contact:" + strconv.FormatInt(*c.ContactID, 10), Action: "contact.bind"},
			map[string]any{"platform": h.Platform, "account": h.Account, "nickname": h.Nickname, "code_id": c.ID, "contact": *c.ContactID}); err != nil {
			return err
		}
		oc, err := tx.OrgContactByID(ctx, *c.ContactID)
		res.Contact = &oc
		return err
	})
	if err != nil {
		return Bound{}, err
	}
	b.rdb.Del(ctx, failKey)
	return res, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func humanMinutes(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	return fmt.Sprintf("%d分钟", m)
}
