package roster

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"liudong/bot"
)

// Columns of DESIGN.md §6, with the other names rosters use for them.
const (
	colName       = "姓名"
	colGender     = "性别"
	colBirth      = "出生日期"
	colEducation  = "学历"
	colBranch     = "所在党支部"
	colJoined     = "入党日期"
	colPhone      = "手机号码"
	colCategory   = "人员类别"
	colIncome     = "月收入"
	colMobility   = "流动类型"
	colDeparted   = "外出日期"
	colPlace      = "流动地点"
	colReason     = "外出原因"
	colEmployer   = "工作单位"
	colDuty       = "职务"
	colHome       = "流出地党组织"
	requiredNames = "姓名、性别、出生日期、学历、所在党支部"
)

var required = []string{colName, colGender, colBirth, colEducation, colBranch}

var columnAliases = map[string]string{
	"姓名": colName, "性别": colGender,
	"出生日期": colBirth, "出生年月": colBirth, "出生年月日": colBirth,
	"学历": colEducation, "文化程度": colEducation,
	"所在党支部": colBranch, "党支部": colBranch, "所在支部": colBranch, "所属党支部": colBranch,
	"入党日期": colJoined, "入党时间": colJoined,
	"手机号码": colPhone, "手机号": colPhone, "手机": colPhone, "联系电话": colPhone, "电话": colPhone,
	"人员类别": colCategory, "月收入": colIncome, "流动类型": colMobility,
	"外出日期": colDeparted, "外出时间": colDeparted,
	"流动地点": colPlace, "外出地点": colPlace, "流向地": colPlace,
	"外出原因": colReason, "工作单位": colEmployer, "职务": colDuty, "党内职务": colDuty,
	"流出地党组织": colHome, "流出地": colHome, "组织关系所在党组织": colHome, "原党组织": colHome,
}

// columnIndex maps the canonical column names to their positions in the header.
func columnIndex(header []string) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range header {
		name := normalizeHeader(h)
		if canon, ok := columnAliases[name]; ok {
			if _, dup := idx[canon]; dup {
				return nil, fmt.Errorf("表头中“%s”出现了两次", canon)
			}
			idx[canon] = i
		}
	}
	var missing []string
	for _, r := range required {
		if _, ok := idx[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("表头缺少必填列：%s（必填列为%s）", strings.Join(missing, "、"), requiredNames)
	}
	return idx, nil
}

var unitSuffix = regexp.MustCompile(`[(（][^)）]*[)）]$`)

func normalizeHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.Map(func(r rune) rune {
		if bot.IsSpace(r) || r == '*' || r == '＊' {
			return -1
		}
		return r
	}, h)
	return unitSuffix.ReplaceAllString(h, "") // 月收入（元） → 月收入
}

// row is one roster line, validated.
type row struct {
	line      int
	name      string
	gender    string
	birth     time.Time
	education string
	branch    string
	joined    *time.Time
	phone     string
	category  string
	incomeFen *int64
	mobility  string
	departed  *time.Time
	place     string
	reason    string
	employer  string
	duty      string
	home      string // 流出地党组织, of a 流入 member
}

func (r row) key() string { return r.name + "\x00" + r.branch + "\x00" + r.birth.Format("2006-01-02") }

var (
	genders = map[string]string{"男": "男", "女": "女", "男性": "男", "女性": "女"}
	// Education levels of the official tables (DOMAIN.md), with the words rosters use.
	educations = map[string]string{
		"研究生": "研究生", "博士": "研究生", "博士研究生": "研究生", "硕士": "研究生", "硕士研究生": "研究生",
		"大学本科": "大学本科", "本科": "大学本科", "大学": "大学本科",
		"大学专科": "大学专科", "大专": "大学专科", "专科": "大学专科", "高职": "大学专科",
		"中专": "中专", "中技": "中专", "技校": "中专", "职高": "中专", "中等专科": "中专",
		"高中":    "高中",
		"初中及以下": "初中及以下", "初中": "初中及以下", "小学": "初中及以下", "小学及以下": "初中及以下", "文盲": "初中及以下", "半文盲": "初中及以下",
	}
	categories = map[string]string{
		"在职": "在职", "离退休": "离退休", "退休": "离退休", "离休": "离退休", "农民": "农民",
		"学生": "学生", "失业": "失业", "无业": "失业", "个体": "个体", "个体户": "个体", "个体工商户": "个体",
	}
	mobilities = map[string]string{"流出": "流出", "流入": "流入", "空": "", "无": "", "-": "", "否": ""}
	reasons    = map[string]string{"务工": "务工", "打工": "务工", "经商": "经商", "求学": "求学", "上学": "求学", "读书": "求学", "其他": "其他", "其它": "其他"}
	duties     = map[string]string{"书记": "书记", "支部书记": "书记", "党支部书记": "书记", "委员": "委员", "支部委员": "委员", "空": "", "无": "", "-": ""}
)

// parseRow validates one record; the error is the reason the row is rejected.
func parseRow(rec record, idx map[string]int) (row, error) {
	get := func(col string) string {
		i, ok := idx[col]
		if !ok || i >= len(rec.fields) {
			return ""
		}
		return strings.TrimFunc(rec.fields[i], bot.IsSpace)
	}
	r := row{line: rec.line}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, col := range required {
		if get(col) == "" {
			bad("缺少%s", col)
		}
	}
	r.name = strings.Join(strings.FieldsFunc(get(colName), bot.IsSpace), "")
	r.branch = get(colBranch)
	if v := get(colGender); v != "" {
		if g, ok := genders[v]; ok {
			r.gender = g
		} else {
			bad("性别“%s”无法识别（应为男或女）", v)
		}
	}
	if v := get(colBirth); v != "" {
		if d, err := parseDate(v); err != nil {
			bad("出生日期“%s”%v", v, err)
		} else if d.Year() < 1900 || d.After(time.Now()) {
			bad("出生日期“%s”不合理", v)
		} else {
			r.birth = d
		}
	}
	if v := get(colEducation); v != "" {
		if e, ok := educations[v]; ok {
			r.education = e
		} else {
			bad("学历“%s”无法识别（应为研究生、大学本科、大学专科、中专、高中或初中及以下）", v)
		}
	}
	if v := get(colJoined); v != "" {
		if d, err := parseDate(v); err != nil {
			bad("入党日期“%s”%v", v, err)
		} else {
			r.joined = &d
		}
	}
	if v := get(colPhone); v != "" {
		if p, ok := normalizePhone(v); ok {
			r.phone = p
		} else {
			bad("手机号码“%s”格式不对", v)
		}
	}
	if v := get(colCategory); v != "" {
		if c, ok := categories[v]; ok {
			r.category = c
		} else {
			bad("人员类别“%s”无法识别（应为在职、离退休、农民、学生、失业或个体）", v)
		}
	}
	if v := get(colIncome); v != "" {
		if fen, err := parseYuan(v); err != nil {
			bad("月收入“%s”%v", v, err)
		} else {
			r.incomeFen = &fen
		}
	}
	if v := get(colMobility); v != "" {
		if m, ok := mobilities[v]; ok {
			r.mobility = m
		} else {
			bad("流动类型“%s”无法识别（应为流出、流入或空）", v)
		}
	}
	if v := get(colDeparted); v != "" {
		if d, err := parseDate(v); err != nil {
			bad("外出日期“%s”%v", v, err)
		} else {
			r.departed = &d
		}
	}
	r.place = get(colPlace)
	if v := get(colReason); v != "" {
		if rs, ok := reasons[v]; ok {
			r.reason = rs
		} else {
			bad("外出原因“%s”无法识别（应为务工、经商、求学或其他）", v)
		}
	}
	r.employer = get(colEmployer)
	if v := get(colDuty); v != "" {
		if d, ok := duties[v]; ok {
			r.duty = d
		} else {
			bad("职务“%s”无法识别（应为书记、委员或空）", v)
		}
	}
	r.home = get(colHome)
	if r.home != "" && r.mobility != "流入" {
		bad("流出地党组织只用于流入党员（填写其组织关系所在的党组织）")
	}
	if r.mobility == "流出" && r.departed == nil && get(colDeparted) == "" {
		bad("流出党员需要填写外出日期")
	}
	if len(problems) > 0 {
		return r, fmt.Errorf("%s", strings.Join(problems, "；"))
	}
	return r, nil
}

var (
	dateYMD   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	dateYM    = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$`)
	dateDense = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	dateYMShr = regexp.MustCompile(`^(\d{4})(\d{2})$`)
	serial    = regexp.MustCompile(`^\d{4,5}(\.\d+)?$`)
)

// parseDate reads the date forms rosters hold: 1985-03-12, 1985/3/12, 1985.3.12, 1985年3月12日,
// 19850312, an Excel serial number, and month-only forms (1985.03, 1985年3月) as the 1st.
func parseDate(s string) (time.Time, error) {
	s = bot.FoldString(strings.TrimSpace(s))
	var y, m, d int
	switch {
	case dateYMD.MatchString(s):
		p := dateYMD.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case dateDense.MatchString(s):
		p := dateDense.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case dateYM.MatchString(s):
		p := dateYM.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), 1
	case dateYMShr.MatchString(s):
		p := dateYMShr.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), 1
	case serial.MatchString(s):
		// Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
		f, _ := strconv.ParseFloat(s, 64)
		if f < 61 {
			return time.Time{}, fmt.Errorf("不是有效日期")
		}
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), nil
	default:
		return time.Time{}, fmt.Errorf("不是可识别的日期（例如1985-03-12）")
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, fmt.Errorf("不是有效日期")
	}
	return t, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// normalizePhone keeps the digits of a mainland number (11 digits, optional +86) or a landline.
func normalizePhone(s string) (string, bool) {
	s = bot.FoldString(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if (len(d) == 11 && d[0] == '1') || (len(d) >= 10 && len(d) <= 12 && d[0] == '0') {
		return d, true
	}
	return "", false
}

// parseYuan reads an amount in 元 exactly into 分: "4000", "4,000.00", "4000元", "3500.5".
func parseYuan(s string) (int64, error) {
	s = bot.FoldString(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimPrefix(s, "¥"), "元")
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (hasFrac && (!digits(frac) || len(frac) > 2)) || len(whole) > 9 {
		return 0, fmt.Errorf("不是有效金额（例如4000或4000.50）")
	}
	fen, _ := strconv.ParseInt(whole, 10, 64)
	fen *= 100
	if hasFrac {
		f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
		fen += f
	}
	return fen, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
