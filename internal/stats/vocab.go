package stats

import "slices"

// The vocabulary of the counts, in the order of the official tables (DOMAIN.md "Statistics").
var (
	genders    = []string{"男", "女"}
	educations = []string{"研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"}
	// categories ends with "" (人员类别 not filled in).
	categories = []string{"在职", "离退休", "农民", "学生", "失业", "个体", ""}
	reasons    = []string{"务工", "经商", "求学", "其他"}
)

// ageBand is a band of ages: Min is its lowest age (the first band has none).
type ageBand struct {
	Min   int
	Label string
}

// paragraphBands are the 基本情况 paragraph's bands: <35, 35–44, 45–54, ≥55.
var paragraphBands = []ageBand{
	{0, "35岁以下"}, {35, "35岁到45岁"}, {45, "45岁到55岁"}, {55, "55岁以上"},
}

// tableBands are the official tables' eight bands.
var tableBands = []ageBand{
	{0, "30岁及以下"}, {31, "31—35岁"}, {36, "36—40岁"}, {41, "41—45岁"},
	{46, "46—50岁"}, {51, "51—55岁"}, {56, "56—60岁"}, {61, "61岁及以上"},
}

// bounds are the lower bounds of every band but the first, as width_bucket wants them.
func bounds(bands []ageBand) []int {
	out := make([]int, 0, len(bands)-1)
	for _, b := range bands[1:] {
		out = append(out, b.Min)
	}
	return out
}

// fineBounds splits ages finely enough for every band of both sets.
func fineBounds() []int {
	all := append(bounds(paragraphBands), bounds(tableBands)...)
	slices.Sort(all)
	return slices.Compact(all)
}

// regroup adds counts by fine age bucket (fine bounds) into the given bands.
func regroup(fine []int64, fineB []int, bands []ageBand) []int64 {
	out := make([]int64, len(bands))
	for i, n := range fine {
		lowest := 0 // the youngest age of fine bucket i
		if i > 0 {
			lowest = fineB[i-1]
		}
		band := 0
		for j, b := range bands {
			if j > 0 && b.Min <= lowest {
				band = j
			}
		}
		out[band] += n
	}
	return out
}

// Labels used in the paragraph.
var (
	reasonLabels = map[string]string{"务工": "外出务工党员", "经商": "外出经商党员", "求学": "外出求学党员", "其他": "因其他原因外出党员"}
	// educationLabels in the paragraph's order, lowest first, as branches write them.
	educationOrder  = []string{"初中及以下", "高中", "中专", "大学专科", "大学本科", "研究生"}
	educationLabels = map[string]string{"初中及以下": "初中及以下学历", "高中": "高中学历", "中专": "中专学历",
		"大学专科": "大专", "大学本科": "本科", "研究生": "研究生学历"}
	genderLabels = map[string]string{"男": "男性", "女": "女性"}
)
