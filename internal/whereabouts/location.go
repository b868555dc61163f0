package whereabouts

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"liudong/bot"
	"liudong/internal/location"
	"liudong/internal/store"
)

const (
	flowLocation = "location"
	// A question about a place is stale after an hour: a later digit is no longer its answer.
	flowLocationTTL = time.Hour
	stepPick        = "pick" // several places have that name: which one?
	stepCity        = "city" // a shared location we cannot place: which city?
	// maxCandidates listed in a question; the resolver rarely gives more (鼓楼: 4).
	maxCandidates = 9
)

// update is a location update on its way to being stored, kept in the flow while the member
// is asked which place they meant.
type update struct {
	Label  string   `json:"label"`
	Source string   `json:"source"`
	Lat    *float64 `json:"lat,omitempty"`
	Lng    *float64 `json:"lng,omitempty"`
	// Codes are the candidates' most specific codes, in the order listed.
	Codes []string `json:"codes,omitempty"`
	Tries int      `json:"tries,omitempty"`
}

const locationUsage = "请在“位置”后写上所在地，例如：位置 广东省深圳市南山区；也可以说“我在深圳南山”，或直接发送微信位置。"

// locationCommand handles 位置 X: X is recorded or answered, whether or not it resolves.
func (s *Service) locationCommand(c *bot.Context) error {
	if strings.TrimFunc(c.Args, bot.IsSeparator) == "" {
		return bot.Reject(locationUsage)
	}
	place, ok := s.res.ParsePhrase("位置 " + bot.FoldString(c.Args))
	if !ok {
		return bot.Reject(locationUsage)
	}
	return s.locate(c, update{Label: place, Source: store.LocationText}, s.res.Resolve(place))
}

// matchLocation accepts a shared location, or free phrasing the resolver confirms.
func (s *Service) matchLocation(c *bot.Context) bool {
	if c.Msg.Location != nil {
		return true
	}
	_, ok := s.res.ParsePhrase(bot.FoldString(c.Text))
	return ok
}

func (s *Service) locationPattern(c *bot.Context) error {
	if l := c.Msg.Location; l != nil {
		u := update{Label: strings.TrimSpace(l.Label), Source: store.LocationShare}
		u.Lat, u.Lng = s.coordinates(l)
		var cands []location.Region
		if u.Label != "" {
			cands = s.res.Resolve(u.Label)
		}
		return s.locate(c, u, cands)
	}
	place, ok := s.res.ParsePhrase(bot.FoldString(c.Text))
	if !ok {
		c.Reply(bot.UnknownHint)
		return nil
	}
	return s.locate(c, update{Label: place, Source: store.LocationText}, s.res.Resolve(place))
}

// coordinates are what may be kept of a shared location: rounded to about 1 km, or nothing.
func (s *Service) coordinates(l *bot.Location) (lat, lng *float64) {
	if s.dropCoord || (l.Lat == 0 && l.Lng == 0) {
		return nil, nil
	}
	la, ln := location.RoundCoord(l.Lat, 2), location.RoundCoord(l.Lng, 2)
	if math.IsNaN(la) || math.IsNaN(ln) || la < -90 || la > 90 || ln < -180 || ln > 180 {
		return nil, nil
	}
	return &la, &ln
}

// locate records the update when the place is certain, else asks.
func (s *Service) locate(c *bot.Context, u update, cands []location.Region) error {
	switch {
	case len(cands) == 1:
		return s.record(c, u, cands[0])
	case len(cands) > 1:
		if len(cands) > maxCandidates {
			cands = cands[:maxCandidates]
		}
		u.Codes = make([]string, len(cands))
		for i, r := range cands {
			u.Codes[i] = r.Code()
		}
		if err := c.Sessions().Put(c, c.SessionKey(), flowLocation, stepPick, u, flowLocationTTL); err != nil {
			return err
		}
		c.Reply(pickQuestion(u, cands))
		return nil
	case u.Source == store.LocationShare:
		if err := c.Sessions().Put(c, c.SessionKey(), flowLocation, stepCity, u, flowLocationTTL); err != nil {
			return err
		}
		if u.Label == "" {
			c.Reply("收到您分享的位置，但位置里没有地名，认不出您在哪个城市。请回复所在的城市或区县，例如：深圳南山。")
		} else {
			c.Replyf("收到您分享的位置“%s”，但从中认不出所在的城市。请回复所在的城市或区县，例如：深圳南山。", u.Label)
		}
		return nil
	}
	return bot.Reject("没有找到“%s”这个地方，请写出省市区县，例如：位置 广东省深圳市南山区。", u.Label)
}

func pickQuestion(u update, cands []location.Region) string {
	var b strings.Builder
	if u.Source == store.LocationShare {
		fmt.Fprintf(&b, "您分享的位置“%s”可能在%d个地方，您在哪一个？请回复序号：\n", u.Label, len(cands))
	} else {
		fmt.Fprintf(&b, "有%d个地方叫“%s”，您在哪一个？请回复序号：\n", len(cands), u.Label)
	}
	for i, r := range cands {
		fmt.Fprintf(&b, "%d. %s\n", i+1, r.Label())
	}
	b.WriteString("都不是请回复“取消”，再写清楚省市区，例如：位置 北京市朝阳区。")
	return b.String()
}

// locationFlow reads the answer to a question about a place.
func (s *Service) locationFlow(c *bot.Context) error {
	st, _, err := c.Flow()
	if err != nil {
		return err
	}
	var u update
	if err := st.Decode(&u); err != nil {
		c.EndFlow()
		return bot.ErrPass
	}
	text := strings.TrimFunc(bot.FoldString(c.Text), func(r rune) bool { return bot.IsSeparator(r) || strings.ContainsRune("。.!！~", r) })
	switch {
	case c.Msg.Location != nil || (c.Cmd != nil && text != "取消"):
		// A new shared location or a command: the question is dropped, the message handled.
		if err := c.EndFlow(); err != nil {
			return err
		}
		return bot.ErrPass
	case text == "取消" || text == "算了" || text == "不是":
		if err := c.EndFlow(); err != nil {
			return err
		}
		c.Reply("好的，这次的位置没有记录。需要时请重新发送，例如：位置 北京市朝阳区。")
		return nil
	}
	if st.Step == stepPick {
		cands := s.candidates(u.Codes)
		if i, ok := parseChoice(text); ok && i >= 1 && i <= len(cands) {
			if err := c.EndFlow(); err != nil {
				return err
			}
			return s.record(c, u, cands[i-1])
		}
		if r, ok := s.narrow(text, cands); ok {
			if err := c.EndFlow(); err != nil {
				return err
			}
			return s.record(c, u, r)
		}
		if place, ok := s.res.ParsePhrase(text); ok {
			// Another place altogether ("我在深圳"): that is the update.
			if err := c.EndFlow(); err != nil {
				return err
			}
			if u.Source == store.LocationText {
				u.Label = place
			}
			u.Codes, u.Tries = nil, 0
			return s.locate(c, u, s.res.Resolve(place))
		}
		return s.retry(c, st.Step, u, fmt.Sprintf("请回复序号1～%d，例如回复“1”；都不是请回复“取消”。\n%s", len(cands), pickQuestion(u, cands)))
	}
	// stepCity: the answer names the place of a shared location.
	place := text
	if p, ok := s.res.ParsePhrase(text); ok {
		place = p
	}
	cands := s.res.Resolve(place)
	if len(cands) == 0 {
		return s.retry(c, st.Step, u, "没有找到这个地方，请回复所在的城市或区县，例如：深圳南山；不想记录请回复“取消”。")
	}
	if err := c.EndFlow(); err != nil {
		return err
	}
	return s.locate(c, u, cands)
}

// retry keeps the question once more after a bad answer, then gives up so that the member is
// never stuck answering it.
func (s *Service) retry(c *bot.Context, step string, u update, again string) error {
	u.Tries++
	if u.Tries >= 2 {
		if err := c.EndFlow(); err != nil {
			return err
		}
		c.Reply("还是没有看懂，这次的位置没有记录。需要时请重新发送，写清楚省市区，例如：位置 北京市朝阳区。")
		return nil
	}
	if err := c.Sessions().Put(c, c.SessionKey(), flowLocation, step, u, flowLocationTTL); err != nil {
		return err
	}
	c.Reply(again)
	return nil
}

func (s *Service) candidates(codes []string) []location.Region {
	out := make([]location.Region, 0, len(codes))
	for _, code := range codes {
		if r, ok := s.res.ByCode(code); ok {
			out = append(out, r)
		}
	}
	return out
}

// narrow picks the one candidate an answer in words names ("北京", "辽宁的那个", "南京鼓楼").
func (s *Service) narrow(text string, cands []location.Region) (location.Region, bool) {
	text = strings.TrimSuffix(strings.TrimSuffix(text, "那个"), "的")
	if utf8.RuneCountInString(text) < 2 {
		return location.Region{}, false
	}
	var found []location.Region
	for _, c := range cands {
		if strings.Contains(c.Label(), text) || within(c, s.res.Resolve(text)) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return location.Region{}, false
	}
	return found[0], true
}

// within reports whether r lies in (or is) one of the regions.
func within(r location.Region, regions []location.Region) bool {
	for _, o := range regions {
		switch o.Level() {
		case location.LevelProvince:
			if r.ProvinceCode == o.ProvinceCode {
				return true
			}
		case location.LevelCity:
			if r.CityCode == o.CityCode {
				return true
			}
		case location.LevelCounty:
			if r.CountyCode == o.CountyCode {
				return true
			}
		}
	}
	return false
}

// parseChoice reads a numbered answer: 2, ２, 第2个, 二, 选2, 2号.
func parseChoice(s string) (int, bool) {
	s = strings.TrimPrefix(s, "选")
	s = strings.TrimPrefix(s, "第")
	s = strings.TrimSuffix(s, "个")
	s = strings.TrimSuffix(s, "号")
	s = strings.TrimSuffix(s, "项")
	if s == "" {
		return 0, false
	}
	if n, ok := map[string]int{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}[s]; ok {
		return n, true
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 100 {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// record stores the update and tells the member what was understood.
func (s *Service) record(c *bot.Context, u update, r location.Region) error {
	now := c.Now().In(s.loc)
	before, err := s.st.CurrentPlaceOf(c, c.Identity.MemberID, now)
	hadPlace := err == nil
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	l := &store.Location{MemberID: c.Identity.MemberID, ReportedAt: now, ProvinceCode: r.ProvinceCode,
		CityCode: r.CityCode, CountyCode: r.CountyCode, Label: u.Label, Lat: u.Lat, Lng: u.Lng, Source: u.Source}
	if l.Label == "" {
		l.Label = r.Label()
	}
	if err := s.st.InsertLocation(c, l); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已记录您的位置：%s（%s）。", r.Label(), s.scopeWord(r))
	if hadPlace && before.PlaceCode == l.PlaceCode {
		since := before.Since.In(s.loc)
		if days := store.DaysBetween(since, now); days > 0 {
			fmt.Fprintf(&b, "您自%s起在%s，已有%d天。", FormatDate(since), placeName(r), days)
		}
	}
	if !s.atHome(r) {
		away := hadPlace && before.AwaySince != nil
		if !hadPlace {
			_, err := s.st.OpenDeparture(c, c.Identity.MemberID)
			if err != nil && !store.IsNotFound(err) {
				return err
			}
			away = err == nil
		}
		if !away {
			fmt.Fprintf(&b, "\n如果您是外出务工、经商或求学，请发送“外出 %s 务工”向党支部报告外出。", placeName(r))
		}
	}
	c.Reply(b.String())
	return nil
}

// atHome reports whether r lies within the committee's region: its city, or its province when
// the region is a province or r names no more than a province.
func (s *Service) atHome(r location.Region) bool {
	if s.home.CityCode == "" || r.CityCode == "" && r.CountyCode == "" {
		return location.InProvince(r, s.home)
	}
	return r.CityCode == s.home.CityCode
}
