package wechat

import (
	"context"
	"encoding/xml"
	"hash/fnv"
	"html"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eatmoreapple/openwechat"

	"liudong/bot"
)

// onMessage is openwechat's MessageHandler. It runs on the sync goroutine, which polls WeChat
// only between messages, so it only reads the message (the contact lookups must happen here,
// where openwechat's cache may be touched) and queues it for the workers.
func (s *session) onMessage(msg *openwechat.Message) {
	defer func() {
		// openwechat does not recover: a panic here would take the process down.
		if r := recover(); r != nil {
			s.p.log.Error("wechat: panic reading a message", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	p := s.p
	switch {
	case msg.StatusNotify(), msg.IsSystem(), msg.IsSysNotice(), msg.IsRecalled(), msg.IsVoipInvite():
		p.stats.ignored.Add(1)
		return
	case msg.IsFriendAdd():
		s.onFriendRequest(msg)
		return
	case msg.IsSendBySelf():
		// Typed on the bot account's phone, or an echo of its own sends.
		p.stats.ignored.Add(1)
		return
	}
	m := s.read(msg)
	if m == nil {
		p.stats.ignored.Add(1)
		return
	}
	p.stats.received.Add(1)
	p.queue.put(item{sess: s, seq: s.store.enqueued(), msg: m}, p.log)
}

// read turns a message into a bot.Message; nil for messages the bot does not take.
func (s *session) read(msg *openwechat.Message) *bot.Message {
	p := s.p
	p.sdk.Lock()
	defer p.sdk.Unlock()
	at := time.Now()
	if msg.CreateTime > 0 {
		at = time.Unix(msg.CreateTime, 0)
	}
	m := &bot.Message{Platform: PlatformName, Account: p.opts.Account, ID: msg.MsgId, At: at.In(p.opts.Location)}
	var text string
	if msg.IsComeFromGroup() {
		group, err := msg.Sender()
		if err != nil {
			p.log.Warn("wechat: group message from an unknown group skipped", "err", err)
			return nil
		}
		member, err := msg.SenderInGroup()
		if err != nil {
			p.log.Warn("wechat: group message from an unknown member skipped", "err", err)
			return nil
		}
		name := openwechat.FormatEmoji(group.NickName)
		shown := openwechat.FormatEmoji(member.DisplayName)
		if shown == "" {
			shown = openwechat.FormatEmoji(member.NickName)
		}
		s.dir.putGroup(group.UserName, name)
		s.dir.putMember(group.UserName, member.UserName, shown)
		p.rememberGroup(group.UserName, name)
		m.Group, m.GroupName = group.UserName, name
		m.From, m.Nick = member.UserName, openwechat.FormatEmoji(member.NickName)
		if f, ok := s.dir.friend(member.UserName); ok {
			m.AvatarID, m.Remark = f.AvatarID, f.Remark
		}
		m.Mentioned = msg.IsAt()
		// openwechat splits group content on every ":<br/>" and joins the parts without them:
		// "汇报:\n思想…" would become "汇报思想…". The wire form keeps the text intact.
		text = groupText(msg.RawContent)
	} else {
		sender, err := msg.Sender()
		if err != nil {
			p.log.Warn("wechat: message from an unknown sender skipped", "err", err)
			return nil
		}
		if !isPerson(sender) {
			return nil // official accounts, WeChat's own
		}
		c := contactOf(sender)
		s.dir.putFriend(c)
		m.From, m.Nick, m.AvatarID, m.Remark = c.Handle, c.Nickname, c.AvatarID, c.Remark
		text = msg.Content
	}
	switch {
	case msg.IsLocation():
		loc, ok := parseLocation(msg.Url, msg.OriContent, text)
		if !ok {
			p.log.Warn("wechat: shared location without coordinates skipped", "id", msg.MsgId)
			return nil
		}
		m.Location = loc
	case msg.IsText():
		m.Text = text
	default:
		placeholder := placeholderFor(msg)
		if placeholder == "" {
			return nil
		}
		// Stored as a marker; the bot answers that it reads text and locations only.
		m.Text = placeholder
	}
	return m
}

// placeholderFor names a message kind the bot cannot read ("" for kinds it ignores).
func placeholderFor(msg *openwechat.Message) string {
	switch {
	case msg.IsPicture():
		return "[图片]"
	case msg.IsVoice():
		return "[语音]"
	case msg.IsVideo():
		return "[视频]"
	case msg.IsEmoticon():
		return "[表情]"
	case msg.IsCard():
		return "[名片]"
	case msg.IsMedia():
		return "[文件或链接]"
	}
	return ""
}

// groupText takes a group message's text from its wire form "@member:<br/>text".
func groupText(raw string) string {
	if _, rest, ok := strings.Cut(raw, ":<br/>"); ok {
		raw = rest
	}
	return webText(raw)
}

// webText decodes WeChat web's text markup: <br/> line breaks, HTML escapes, emoji spans.
func webText(s string) string {
	s = strings.ReplaceAll(s, "<br/>", "\n")
	return openwechat.FormatEmoji(html.UnescapeString(s))
}

// parseLocation reads a shared location: coordinates from the map link
// (…geocoder?coord=LAT,LNG) or the XML in OriContent, the label from the text before the map
// image link ("label:\n/cgi-bin/…"), or the XML's label.
func parseLocation(link, oriContent, text string) (*bot.Location, bool) {
	loc := &bot.Location{}
	ok := false
	if u, err := url.Parse(link); err == nil {
		if lat, lng, found := strings.Cut(u.Query().Get("coord"), ","); found {
			var e1, e2 error
			loc.Lat, e1 = strconv.ParseFloat(strings.TrimSpace(lat), 64)
			loc.Lng, e2 = strconv.ParseFloat(strings.TrimSpace(lng), 64)
			ok = e1 == nil && e2 == nil
		}
	}
	var x struct {
		Location struct {
			X     float64 `xml:"x,attr"`
			Y     float64 `xml:"y,attr"`
			Label string  `xml:"label,attr"`
		} `xml:"location"`
	}
	xmlOK := oriContent != "" && xml.Unmarshal([]byte(strings.TrimSpace(html.UnescapeString(oriContent))), &x) == nil
	if !ok && xmlOK && (x.Location.X != 0 || x.Location.Y != 0) {
		loc.Lat, loc.Lng, ok = x.Location.X, x.Location.Y, true
	}
	if i := strings.Index(text, "/cgi-bin/"); i >= 0 {
		text = text[:i]
	}
	loc.Label = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), ":"))
	if loc.Label == "" && xmlOK {
		loc.Label = x.Location.Label
	}
	if !ok || loc.Lat < -90 || loc.Lat > 90 || loc.Lng < -180 || loc.Lng > 180 {
		return nil, false
	}
	return loc, true
}

// onFriendRequest accepts a friend request (when configured) and queues the greeting, which
// goes through the normal send path and its throttle.
func (s *session) onFriendRequest(msg *openwechat.Message) {
	p := s.p
	if !p.opts.AutoAcceptFriends {
		p.log.Info("wechat: friend request left alone (wechat.auto_accept_friends is off)", "nick", msg.RecommendInfo.NickName)
		return
	}
	p.sdk.Lock()
	friend, err := msg.Agree()
	p.sdk.Unlock()
	if err != nil {
		p.log.Warn("wechat: friend request not accepted", "nick", msg.RecommendInfo.NickName, "err", err)
		return
	}
	c := contactOf(friend.User)
	s.dir.putFriend(c)
	p.stats.friendsAccepted.Add(1)
	p.log.Info("wechat: friend request accepted", "nick", c.Nickname)
	p.queue.put(item{sess: s, seq: s.store.enqueued(), greet: c.Handle}, p.log)
}

// item is one queued piece of inbound work: a message to handle, or a new friend to greet.
type item struct {
	sess  *session
	seq   uint64
	msg   *bot.Message
	greet string
}

func (it item) key() string {
	if it.msg != nil {
		return it.msg.From
	}
	return it.greet
}

// queue hands inbound work from openwechat's sync goroutine to the workers. One channel per
// worker, picked by sender, keeps each sender's messages in order.
//
// Back-pressure: when a worker's channel is full, put blocks, and with it openwechat's sync
// goroutine, which then stops polling: new messages wait on WeChat's side instead of being
// dropped, and are fetched once the workers catch up.
type queue struct {
	shards []chan item

	mu       sync.RWMutex
	closed   bool
	lastFull atomic.Int64 // when "queue full" was last logged (unix ns)
}

func newQueue(size, workers int) *queue {
	q := &queue{shards: make([]chan item, workers)}
	per := max(1, size/workers)
	for i := range q.shards {
		q.shards[i] = make(chan item, per)
	}
	return q
}

// put queues it, blocking while its worker's channel is full.
func (q *queue) put(it item, log interface{ Warn(string, ...any) }) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		log.Warn("wechat: message arrived after shutdown began: left for the next start's hot login to fetch again")
		return
	}
	h := fnv.New32a()
	h.Write([]byte(it.key()))
	ch := q.shards[h.Sum32()%uint32(len(q.shards))]
	select {
	case ch <- it:
		return
	default:
	}
	q.warnFull(log)
	ch <- it
}

func (q *queue) warnFull(log interface{ Warn(string, ...any) }) {
	now := time.Now().UnixNano()
	if last := q.lastFull.Load(); now-last > int64(time.Minute) && q.lastFull.CompareAndSwap(last, now) {
		log.Warn("wechat: inbound queue full: WeChat intake paused until the workers catch up")
	}
}

func (q *queue) len() int {
	n := 0
	for _, ch := range q.shards {
		n += len(ch)
	}
	return n
}

// start runs one worker per channel until close.
func (q *queue) start(ctx context.Context, p *Platform, handle bot.HandleFunc) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, ch := range q.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range ch {
				p.work(ctx, it, handle)
			}
		}()
	}
	return &wg
}

// close stops intake and lets the workers finish what is queued. openwechat's sync goroutine
// may still hand over the rest of a batch after its context ended: those messages are not
// queued, and since their batch never completes, the stored session keeps the SyncKey before
// them and the next hot login fetches them again.
func (q *queue) close(last *session) {
	if last != nil {
		last.cancel()
	}
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	for _, ch := range q.shards {
		close(ch)
	}
}

// work handles one item once its session is ready (its chat identities re-resolved). Only an
// item handled to the end counts as handled for the stored session (see hotStorage).
func (p *Platform) work(ctx context.Context, it item, handle bot.HandleFunc) {
	defer func() {
		if ctx.Err() == nil {
			it.sess.store.handled(it.seq)
		}
	}()
	select {
	case <-it.sess.ready:
	case <-it.sess.ctx.Done():
		// The session ended before it was ready; its handles may still identify people.
	case <-ctx.Done():
		return
	}
	if it.greet != "" {
		if err := p.Send(ctx, bot.Outgoing{To: it.greet, Text: p.opts.Greeting}); err != nil {
			p.log.Warn("wechat: greeting to a new friend not sent", "err", err)
		}
		return
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				p.log.Error("wechat: panic handling a message", "id", it.msg.ID, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		handle(ctx, it.msg)
	}()
}
