package wechat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eatmoreapple/openwechat"

	"liudong/bot"
)

// Send delivers text and images to a friend (To: a handle of the current login) or a group
// (Group: a handle of this or an earlier login, or the group's name); in a group, To names the
// member addressed. Every send waits for the throttle. While the account is logged out, Send
// waits up to OfflineWait for a re-login, then fails with bot.ErrUnavailable: the outbox keeps
// the message and nothing is counted against it.
func (p *Platform) Send(ctx context.Context, out bot.Outgoing) error {
	if out.Text == "" && len(out.Image) == 0 {
		return nil
	}
	s, err := p.current(ctx)
	if err != nil {
		return err
	}
	to, prefix, err := p.recipient(s, out)
	if err != nil {
		if !errors.Is(err, bot.ErrUnavailable) {
			p.stats.sendFailures.Add(1)
		}
		return err
	}
	if out.Text != "" {
		if err := p.deliver(ctx, s, to, prefix+out.Text, nil); err != nil {
			return err
		}
	}
	if len(out.Image) > 0 {
		return p.deliver(ctx, s, to, "", out.Image)
	}
	return nil
}

// recipient resolves out to a UserName of session s, and the "@name " prefix that addresses a
// member in a group.
func (p *Platform) recipient(s *session, out bot.Outgoing) (to, prefix string, err error) {
	if out.Group == "" && out.GroupName != "" {
		out.Group = out.GroupName // a group known by name only (configured alerts groups)
	}
	if out.Group == "" {
		if out.To == "" {
			return "", "", errors.New("wechat: message without recipient")
		}
		if p.isStale(s, out.To) {
			// Resolved before a re-login: the sender looks the recipient up again.
			return "", "", fmt.Errorf("wechat: recipient handle is from before the re-login: %w", bot.ErrUnavailable)
		}
		return out.To, "", nil
	}
	to = out.Group
	if !s.dir.hasGroup(to) {
		name := to
		if strings.HasPrefix(to, "@@") {
			// A handle of an earlier login: find the group by the name it had then.
			p.mu.Lock()
			name = p.groupNames[to]
			p.mu.Unlock()
			if name == "" {
				name = out.GroupName
			}
			if name == "" {
				return to, "", nil // unknown here; WeChat decides
			}
		}
		switch hs := s.dir.groupsNamed(name); len(hs) {
		case 1:
			to = hs[0]
		case 0:
			return "", "", fmt.Errorf("wechat: no group named %q in the address book (save it to contacts, or have someone write in it)", name)
		default:
			p.log.Error("wechat: several groups share this name, so the message cannot go out: rename all but one", "group", name, "count", len(hs))
			return "", "", fmt.Errorf("wechat: %d groups are named %q", len(hs), name)
		}
	}
	if out.To != "" {
		if shown := s.dir.memberName(to, out.To); shown != "" {
			// WeChat's own @mention: the name, then a four-per-em space.
			prefix = "@" + shown + "\u2005"
		}
	}
	return to, prefix, nil
}

// deliver sends one text or image through the throttle, pausing every send while WeChat
// answers 1205.
func (p *Platform) deliver(ctx context.Context, s *session, to, text string, image []byte) error {
	for try := 1; ; try++ {
		if err := p.cool.wait(ctx); err != nil {
			return err
		}
		if err := p.opts.Throttle.Wait(ctx); err != nil {
			return err
		}
		err := s.send(ctx, to, text, image)
		var ret openwechat.Ret
		switch {
		case err == nil:
			p.cool.reset()
			p.stats.sent.Add(1)
			return nil
		case errors.As(err, &ret) && ret == 1205:
			p.stats.tooOften.Add(1)
			pause := p.cool.trip()
			if try >= p.opts.TooOftenTries {
				p.log.Error("wechat: WeChat keeps refusing sends as too frequent (1205): holding this message back", "tries", try, "pause", pause)
				return fmt.Errorf("wechat: too frequent (1205) %d times: %w", try, bot.ErrUnavailable)
			}
			p.log.Warn("wechat: WeChat says the account sends too often (1205): pausing every send", "pause", pause)
		case errors.As(err, &ret) && (ret == 1100 || ret == 1101 || ret == 1102):
			p.stats.sendFailures.Add(1)
			p.sessionLost(s, ret)
			return fmt.Errorf("wechat: session over (%s): %w", describe(ret), bot.ErrUnavailable)
		case openwechat.IsNetworkError(err):
			// openwechat already retried. Whether WeChat got it is unknown: the retry may
			// repeat it, the one case where a message can arrive twice.
			p.stats.sendFailures.Add(1)
			return fmt.Errorf("wechat: network: %v: %w", err, bot.ErrUnavailable)
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			p.stats.sendFailures.Add(1)
			return fmt.Errorf("wechat: send refused: %w", err)
		}
	}
}

// send is one openwechat call, with the stateless Caller (the contact cache belongs to the sync
// goroutine) and under the SDK lock.
func (s *session) send(ctx context.Context, to, text string, image []byte) error {
	p := s.p
	p.sdk.Lock()
	defer p.sdk.Unlock()
	if image != nil {
		_, err := s.bot.Caller.WebWxSendImageMsg(ctx, bytes.NewReader(image), &openwechat.CallerWebWxSendImageMsgOptions{
			FromUserName: s.selfName, ToUserName: to, BaseRequest: s.req, LoginInfo: s.info,
		})
		return err
	}
	_, err := s.bot.Caller.WebWxSendMsg(ctx, &openwechat.CallerWebWxSendMsgOptions{
		LoginInfo: s.info, BaseRequest: s.req, Message: openwechat.NewTextSendMessage(text, s.selfName, to),
	})
	return err
}
