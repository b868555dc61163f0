package stats

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// fontPaths are where CJK fonts live on the systems liudong runs on; the first that parses
// and has Chinese glyphs is used. Debian/Ubuntu: apt-get install fonts-wqy-microhei (or
// fonts-noto-cjk).
var fontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/System/Library/Fonts/PingFang.ttc",
	"/System/Library/Fonts/STHeiti Light.ttc",
	`C:\Windows\Fonts\msyh.ttc`,
	`C:\Windows\Fonts\simhei.ttf`,
}

// ErrNoFont means charts cannot be drawn: no CJK font was configured or found.
var ErrNoFont = errors.New("stats: no CJK font")

// faceMaker makes faces of one font in the sizes wanted.
type faceMaker func(size float64) (font.Face, error)

// fontSource loads the chart font once.
type fontSource struct {
	setting string // config stats.font: "", "none" or a path
	once    sync.Once
	font    faceMaker
	path    string
	err     error
}

func (f *fontSource) load() (faceMaker, string, error) {
	f.once.Do(func() {
		switch f.setting {
		case "none":
			f.err = fmt.Errorf("%w: stats.font is none", ErrNoFont)
			return
		case "":
			var tried []string
			for _, p := range fontPaths {
				if _, err := os.Stat(p); err != nil {
					continue
				}
				fnt, err := parseCJKFont(p)
				if err == nil {
					f.font, f.path = fnt, p
					return
				}
				tried = append(tried, err.Error())
			}
			f.err = fmt.Errorf("%w found in the usual places (install fonts-wqy-microhei, or set stats.font)", ErrNoFont)
			if len(tried) > 0 {
				f.err = fmt.Errorf("%w; %s", f.err, strings.Join(tried, "; "))
			}
		default:
			f.font, f.err = parseCJKFont(f.setting)
			f.path = f.setting
		}
	})
	return f.font, f.path, f.err
}

// parseCJKFont reads a TrueType font or collection (the first font), or an OpenType (CFF)
// one, that has Chinese glyphs. freetype is tried first: x/image's sfnt rejects fonts whose
// tables are not 4-byte aligned, such as WenQuanYi Micro Hei.
func parseCJKFont(path string) (faceMaker, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoFont, err)
	}
	name := filepath.Base(path)
	if tt, err := truetype.Parse(data); err == nil {
		if tt.Index('党') == 0 {
			return nil, fmt.Errorf("%w: %s has no Chinese glyphs", ErrNoFont, name)
		}
		return func(size float64) (font.Face, error) {
			return truetype.NewFace(tt, &truetype.Options{Size: size, Hinting: font.HintingFull}), nil
		}, nil
	}
	var candidates []*opentype.Font
	if c, err := opentype.ParseCollection(data); err == nil {
		for i := range c.NumFonts() {
			if fnt, err := c.Font(i); err == nil {
				candidates = append(candidates, fnt)
			}
		}
	} else if fnt, err := opentype.Parse(data); err == nil {
		candidates = append(candidates, fnt)
	} else {
		return nil, fmt.Errorf("%w: %s: %v", ErrNoFont, name, err)
	}
	var buf sfnt.Buffer
	for _, fnt := range candidates {
		if i, err := fnt.GlyphIndex(&buf, '党'); err == nil && i != 0 {
			return func(size float64) (font.Face, error) {
				return opentype.NewFace(fnt, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
			}, nil
		}
	}
	return nil, fmt.Errorf("%w: %s has no Chinese glyphs", ErrNoFont, name)
}

// Chart draws the outflow members' age structure and distribution as a PNG (960×540), or
// returns ErrNoFont. A summary without outflow members has nothing to draw: nil, nil.
func (f *fontSource) Chart(s Summary) ([]byte, error) {
	if s.Outflow == 0 {
		return nil, nil
	}
	face, _, err := f.load()
	if err != nil {
		return nil, err
	}
	title, err := face(30)
	if err != nil {
		return nil, err
	}
	label, err := face(18)
	if err != nil {
		return nil, err
	}
	const w, h = 960, 540
	dc := gg.NewContext(w, h)
	dc.SetRGB(1, 1, 1)
	dc.Clear()
	dc.SetFontFace(title)
	dc.SetHexColor("#222222")
	dc.DrawStringAnchored(fmt.Sprintf("%s流出党员%d人（截止到%s）", s.Unit, s.Outflow, s.Date.Label()), w/2, 40, 0.5, 0.5)

	age := make([]bar, len(paragraphBands))
	for i, b := range paragraphBands {
		age[i] = bar{b.Label, s.ByAge[i], "#C8102E"}
	}
	where := []bar{{"省内", s.ByRegion[0], "#C8102E"}, {"省外", s.ByRegion[1], "#E07B39"}}
	if s.ByRegion[2] > 0 {
		where = append(where, bar{"地点不详", s.ByRegion[2], "#9E9E9E"})
	}
	drawBars(dc, label, "年龄结构", age, 30, 80, 440, 410)
	drawBars(dc, label, "分布情况", where, 500, 80, 430, 410)
	dc.SetFontFace(label)
	dc.SetHexColor("#222222")
	dc.DrawStringAnchored(fmt.Sprintf("外出%d个月以上%d人", AwayMonths, s.LongAway), 500+430/2, 515, 0.5, 0.5)

	var out bytes.Buffer
	if err := dc.EncodePNG(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

type bar struct {
	label string
	n     int64
	color string
}

// drawBars draws a titled bar chart in the box at (x, y) of size w×h.
func drawBars(dc *gg.Context, labelFace font.Face, title string, bars []bar, x, y, w, h float64) {
	dc.SetFontFace(labelFace)
	dc.SetHexColor("#222222")
	dc.DrawStringAnchored(title, x+w/2, y+10, 0.5, 0.5)
	var most int64 = 1
	for _, b := range bars {
		most = max(most, b.n)
	}
	top, bottom := y+60, y+h-50
	slot := w / float64(len(bars))
	bw := slot * 0.6
	dc.SetHexColor("#BBBBBB")
	dc.SetLineWidth(1)
	dc.DrawLine(x, bottom, x+w, bottom)
	dc.Stroke()
	for i, b := range bars {
		cx := x + slot*(float64(i)+0.5)
		bh := (bottom - top) * float64(b.n) / float64(most)
		dc.SetHexColor(b.color)
		dc.DrawRectangle(cx-bw/2, bottom-bh, bw, bh)
		dc.Fill()
		dc.SetHexColor("#222222")
		dc.DrawStringAnchored(fmt.Sprintf("%d人", b.n), cx, bottom-bh-16, 0.5, 0.5)
		dc.DrawStringAnchored(b.label, cx, bottom+22, 0.5, 0.5)
	}
}
