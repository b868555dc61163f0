package location

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed data/regions.tsv
var regionsTSV string

// Resolver maps place names to regions. It is immutable after construction
// and safe for concurrent use.
type Resolver struct {
	nodes  []node
	byCode map[string]int32
	names  map[string][]nameRef
	heads  map[string]int // first two characters of a name → longest such name, in bytes
}

type node struct {
	region Region // what Resolve and ByCode return for this node
	level  Level  // the node's own level (a municipality is a province node)
	parent int32  // -1 for provinces
	tier   uint8  // prominence, 0 best known; see tierOf
}

type nameRef struct {
	node int32
	full bool // the name carries its administrative suffix (南山区, 恩施州)
}

// Cities under separate state planning (计划单列市): as prominent as
// provincial capitals.
var planCities = map[string]bool{"210200": true, "330200": true, "350200": true, "370200": true, "440300": true}

// Colloquial names that suffix stripping cannot derive.
var extraAliases = map[string]string{"内蒙": "150000"}

var defaultResolver = sync.OnceValue(func() *Resolver {
	r, err := newResolver(regionsTSV)
	if err != nil {
		panic("location: embedded region data: " + err.Error())
	}
	return r
})

// Default returns the resolver over the embedded division table, built on
// first use.
func Default() *Resolver { return defaultResolver() }

// newResolver builds a resolver from "code<TAB>name" lines (see gen/main.go).
func newResolver(tsv string) (*Resolver, error) {
	n := strings.Count(tsv, "\n") + 1
	r := &Resolver{
		nodes:  make([]node, 0, n),
		byCode: make(map[string]int32, n),
		names:  make(map[string][]nameRef, 2*n),
		heads:  make(map[string]int, n),
	}
	codes := make([]string, 0, n)
	names := make([]string, 0, n)
	for i, line := range strings.Split(tsv, "\n") {
		if line == "" {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if !ok || !isCode(code) || name == "" || !utf8.ValidString(name) {
			return nil, fmt.Errorf("line %d: malformed %q", i+1, line)
		}
		if _, dup := r.byCode[code]; dup {
			return nil, fmt.Errorf("line %d: duplicate code %s", i+1, code)
		}
		r.byCode[code] = int32(len(codes))
		codes = append(codes, code)
		names = append(names, name)
	}

	r.nodes = r.nodes[:len(codes)]
	for i, code := range codes {
		nd := &r.nodes[i]
		nd.parent = -1
		switch {
		case code[2:] == "0000":
			nd.level = LevelProvince
		case code[4:] == "00":
			nd.level = LevelCity
			p, ok := r.byCode[code[:2]+"0000"]
			if !ok {
				return nil, fmt.Errorf("city %s: no province", code)
			}
			nd.parent = p
		default:
			nd.level = LevelCounty
			p, ok := r.byCode[code[:4]+"00"]
			if !ok {
				// 省直辖县级行政区划: directly under the province.
				p, ok = r.byCode[code[:2]+"0000"]
			}
			if !ok {
				return nil, fmt.Errorf("county %s: no city or province", code)
			}
			nd.parent = p
		}
	}

	// Regions, prominence and names; parents first (codes need not be sorted).
	order := make([]int32, len(codes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return int(r.nodes[a].level) - int(r.nodes[b].level) })
	for _, i := range order {
		nd, code, name := &r.nodes[i], codes[i], names[i]
		switch nd.level {
		case LevelProvince:
			nd.region = Region{ProvinceCode: code, Province: name}
		case LevelCity:
			nd.region = r.nodes[nd.parent].region
			nd.region.CityCode, nd.region.City = code, name
		case LevelCounty:
			nd.region = r.nodes[nd.parent].region
			nd.region.CountyCode, nd.region.County = code, name
		}
		nd.tier = r.tierOf(i, code)
		if r.isMunicipalCity(i) {
			continue // reached through its province's names
		}
		r.index(name, i, true)
		for _, alias := range shortNames(name, nd.level) {
			r.index(alias.name, i, alias.full)
		}
	}
	for alias, code := range extraAliases {
		if i, ok := r.byCode[code]; ok {
			r.index(alias, i, false)
		}
	}
	return r, nil
}

func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isMunicipalCity reports whether node i is a municipality's 市辖区/县
// (named like its province).
func (r *Resolver) isMunicipalCity(i int32) bool {
	nd := &r.nodes[i]
	return nd.level == LevelCity && nd.region.City == nd.region.Province
}

// tierOf ranks prominence: 0 province; 1 municipality, provincial capital
// (city code xx01) or 计划单列市; 2 other city; 3 county of a tier-1 city;
// 4 other county.
func (r *Resolver) tierOf(i int32, code string) uint8 {
	nd := &r.nodes[i]
	switch nd.level {
	case LevelProvince:
		return 0
	case LevelCity:
		if r.isMunicipalCity(i) || code[2:4] == "01" || planCities[code] {
			return 1
		}
		return 2
	}
	if p := &r.nodes[nd.parent]; p.level == LevelCity && p.tier == 1 {
		return 3
	}
	return 4
}

// index adds a name of node i. Names have at least two characters.
func (r *Resolver) index(name string, i int32, full bool) {
	h := headLen(name)
	if h == 0 {
		return
	}
	r.heads[name[:h]] = max(r.heads[name[:h]], len(name))
	refs := r.names[name]
	for k, ref := range refs {
		if ref.node == i {
			refs[k].full = refs[k].full || full
			return
		}
	}
	r.names[name] = append(refs, nameRef{node: i, full: full})
}

// headLen is the length in bytes of the first two characters of s, 0 when
// s is shorter.
func headLen(s string) int {
	_, a := utf8.DecodeRuneInString(s)
	if a == len(s) {
		return 0
	}
	_, b := utf8.DecodeRuneInString(s[a:])
	return a + b
}

// ByCode returns the region of a GB/T 2260 code: 6 digits, or the 2- and
// 4-digit province and city prefixes ("44", "4403").
func (r *Resolver) ByCode(code string) (Region, bool) {
	switch len(code) {
	case 2:
		code += "0000"
	case 4:
		code += "00"
	}
	i, ok := r.byCode[code]
	if !ok {
		return Region{}, false
	}
	return r.nodes[i].region, true
}

// Resolve returns every region the text may name, best first: none when the
// place is unknown, one when it is resolved, several when the member must be
// asked. The place must start the text; trailing detail is ignored
// ("广东省深圳市南山区粤海街道科技园" → 南山区). Qualifiers narrow the
// candidates (辽宁朝阳, 南京鼓楼).
//
// Among the readings that cover the longest prefix:
//   - a region nested in another candidate is dropped (长沙 → 长沙市, not also
//     长沙县; 吉林 → 吉林省);
//   - a region two prominence tiers below a higher-level candidate is dropped
//     (西安 → 西安市, not 辽源市西安区; 河北 → 河北省, not 天津市河北区);
//   - the rest are ordered by level (province, city, county), prominence
//     (municipalities, capitals and 计划单列市 and their districts first), code.
//
// A municipality alone resolves at city level (北京 → 北京市, CityCode 110100).
func (r *Resolver) Resolve(text string) []Region {
	m := r.match(normalize(text))
	if len(m.nodes) == 0 {
		return nil
	}
	out := make([]Region, len(m.nodes))
	for k, i := range m.nodes {
		out[k] = r.resultRegion(i)
	}
	return out
}

// resultRegion maps a municipality's province node to its first city.
func (r *Resolver) resultRegion(i int32) Region {
	reg := r.nodes[i].region
	if r.nodes[i].level == LevelProvince {
		if c, ok := r.byCode[reg.ProvinceCode[:2]+"0100"]; ok && r.isMunicipalCity(c) {
			return r.nodes[c].region
		}
	}
	return reg
}

type matchResult struct {
	nodes []int32 // candidates, best first
	end   int     // bytes of the text the place covers
	segs  int     // names in the chain (广东深圳南山 = 3)
	full  bool    // the last name carried its suffix
	short bool    // the chain is a single county name without suffix (南山, 平安)
}

type chainState struct {
	node int32
	end  int
	segs int
	full bool
}

// match finds the chains of names (each a region inside the previous one)
// that start s, and keeps those covering the longest prefix.
func (r *Resolver) match(s string) matchResult {
	var buf [16]chainState
	states := r.walk(s, 0, -1, 0, buf[:0])
	if len(states) == 0 {
		return matchResult{}
	}
	res := matchResult{}
	for _, st := range states {
		res.end = max(res.end, st.end)
	}
	for _, st := range states {
		if st.end != res.end {
			continue
		}
		res.segs = max(res.segs, st.segs)
		res.full = res.full || st.full
		if !slices.Contains(res.nodes, st.node) {
			res.nodes = append(res.nodes, st.node)
		}
	}
	res.short = res.segs == 1 && !res.full
	for _, i := range res.nodes {
		if r.nodes[i].level != LevelCounty {
			res.short = false
		}
	}
	res.nodes = r.prune(res.nodes)
	return res
}

func (r *Resolver) walk(s string, pos int, parent int32, segs int, out []chainState) []chainState {
	h := headLen(s[pos:])
	if h == 0 {
		return out
	}
	limit, ok := r.heads[s[pos:pos+h]]
	if !ok {
		return out
	}
	for end := pos + h; end-pos <= limit; {
		if refs, ok := r.names[s[pos:end]]; ok {
			for _, ref := range refs {
				if parent >= 0 && !r.isAncestor(parent, ref.node) {
					continue
				}
				out = append(out, chainState{node: ref.node, end: end, segs: segs + 1, full: ref.full})
				if r.nodes[ref.node].level != LevelCounty {
					out = r.walk(s, end, ref.node, segs+1, out)
				}
			}
		}
		if end == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return out
}

func (r *Resolver) isAncestor(a, b int32) bool {
	for p := r.nodes[b].parent; p >= 0; p = r.nodes[p].parent {
		if p == a {
			return true
		}
	}
	return false
}

// prune drops nested and dominated candidates and orders the rest.
func (r *Resolver) prune(nodes []int32) []int32 {
	if len(nodes) < 2 {
		return nodes
	}
	keep := nodes[:0:0]
	for _, b := range nodes {
		drop := false
		for _, a := range nodes {
			na, nb := &r.nodes[a], &r.nodes[b]
			if a != b && (r.isAncestor(a, b) || na.level < nb.level && nb.tier >= na.tier+2) {
				drop = true
				break
			}
		}
		if !drop {
			keep = append(keep, b)
		}
	}
	slices.SortFunc(keep, func(a, b int32) int {
		na, nb := &r.nodes[a], &r.nodes[b]
		if na.level != nb.level {
			return int(na.level) - int(nb.level)
		}
		if na.tier != nb.tier {
			return int(na.tier) - int(nb.tier)
		}
		return strings.Compare(na.region.Code(), nb.region.Code())
	})
	return keep
}

// normalize drops spaces and joiners ("广东 深圳", "广东-深圳") and a
// leading country name, as WeChat location labels may carry.
func normalize(s string) string {
	clean := true
	for _, c := range s {
		if isJoiner(c) {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(c rune) rune {
			if isJoiner(c) {
				return -1
			}
			return c
		}, s)
	}
	for _, p := range []string{"中华人民共和国", "中国"} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

func isJoiner(c rune) bool {
	switch c {
	case '-', '—', '·', '/', '|', '>', '＞', ',', '，', '、', utf8.RuneError:
		return true
	}
	return unicode.IsSpace(c)
}
