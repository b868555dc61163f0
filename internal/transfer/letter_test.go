package transfer

import (
	"bytes"
	"compress/zlib"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fogleman/gg"

	"liudong/internal/stats"
	"liudong/internal/testenv"
)

// fonts is the statistics chart's font source, as the app uses it.
func fonts(t *testing.T) Fonts {
	t.Helper()
	cfg := testenv.Config(t, "", "letter:")
	cfg.Stats.Font = ""
	svc, err := stats.New(nil, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.FontPath(); err != nil {
		t.Skipf("no CJK font installed (apt-get install fonts-wqy-microhei): %v", err)
	}
	return svc
}

func sampleLetter() Letter {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	return Letter{Number: "示范镇党委〔2026〕001号", From: "示范镇党委", Branch: "第一党支部", To: "广东省深圳市南山区粤海街道党工委",
		Name: "张三", Gender: "男", Age: 36, Status: "正式党员", Education: "高中", DuesThrough: "2026年11月",
		Phone: "138****1234", IssuedOn: d("2026-11-20"), ValidUntil: d("2027-02-20")}
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 100 && b>>8 < 100
}

func isInk(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 < 140 && g>>8 < 140 && b>>8 < 140
}

// mask is which pixels of a rectangle are red, row by row, from the rectangle's corner.
func mask(img image.Image, r image.Rectangle) [][]bool {
	out := make([][]bool, r.Dy())
	for y := range out {
		out[y] = make([]bool, r.Dx())
		for x := range out[y] {
			out[y][x] = isRed(img.At(r.Min.X+x, r.Min.Y+y))
		}
	}
	return out
}

func count(m [][]bool, fromX, toX int) int {
	n := 0
	for _, row := range m {
		for x := fromX; x < toX && x < len(row); x++ {
			if row[x] {
				n++
			}
		}
	}
	return n
}

// The letter is drawn with real Chinese glyphs: each part's title is red ink where the layout
// says, as much ink as the same title drawn alone with the font, and titles that differ in two
// characters (存根, 回执) differ exactly there — a font without Chinese would draw the same
// empty boxes for both.
func TestLetterImageHasCJKGlyphs(t *testing.T) {
	f := fonts(t)
	data, lay, err := RenderLayout(sampleLetter(), f)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != pageW || b.Dy() != pageH {
		t.Fatalf("page is %v", b)
	}
	parts := sampleLetter().parts()
	for i, r := range lay.Titles {
		inLetter := count(mask(img, r), 0, r.Dx())
		// The same title alone, with the same face.
		face, err := f.Face(titleSize)
		if err != nil {
			t.Fatal(err)
		}
		dc := gg.NewContext(r.Dx()+40, r.Dy()+40)
		dc.SetColor(color.White)
		dc.Clear()
		dc.SetFontFace(face)
		dc.SetColor(red)
		dc.DrawStringAnchored(parts[i].title, float64(r.Dx()+40)/2, float64(r.Dy()+40)/2, 0.5, 0.5)
		alone := count(mask(dc.Image(), dc.Image().Bounds()), 0, r.Dx()+40)
		if inLetter < 1500 || alone == 0 || inLetter < alone*9/10 || inLetter > alone*11/10 {
			t.Errorf("title %d %q: %d red pixels in the letter, %d drawn alone", i, parts[i].title, inLetter, alone)
		}
	}
	// 存根 and 回执 titles share their first 14 characters, and differ in the last two.
	a, b := mask(img, lay.Titles[0]), mask(img, lay.Titles[2])
	if lay.Titles[0].Dx() != lay.Titles[2].Dx() {
		t.Fatalf("titles of one length differ in width: %v %v", lay.Titles[0], lay.Titles[2])
	}
	w := lay.Titles[0].Dx()
	glyph := w / 18 // 14 characters, （, two, ）
	same, diff := 0, 0
	for y := range a {
		for x := 0; x < w; x++ {
			switch {
			case x < 14*glyph && a[y][x] != b[y][x]:
				same++
			case x >= 15*glyph && x < 17*glyph && a[y][x] != b[y][x]:
				diff++
			}
		}
	}
	if same > 20 || diff < 200 {
		t.Errorf("common part differs in %d pixels (want ~0), 存根/回执 differ in %d (want many)", same, diff)
	}
	// Body text is there: dark ink below each title.
	for i, r := range lay.Titles {
		body := image.Rect(margin, r.Max.Y+40, pageW-margin, r.Max.Y+240)
		ink := 0
		for y := body.Min.Y; y < body.Max.Y; y++ {
			for x := body.Min.X; x < body.Max.X; x++ {
				if isInk(img.At(x, y)) {
					ink++
				}
			}
		}
		if ink < 3000 {
			t.Errorf("part %d: %d dark pixels of text under the title", i, ink)
		}
	}
	// A cancelled letter carries a large 作废 over each part.
	void := sampleLetter()
	void.Void, void.State = true, "已于2026年12月1日撤销作废，原因：本人暂不转接"
	vdata, err := RenderPNG(void, f)
	if err != nil {
		t.Fatal(err)
	}
	vimg, _ := png.Decode(bytes.NewReader(vdata))
	tinted := func(img image.Image) int {
		n := 0
		for y := 0; y < pageH; y += 2 {
			for x := 0; x < pageW; x += 2 {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 > 200 && g>>8 < 235 && b>>8 < 235 && r>>8-g>>8 > 15 {
					n++
				}
			}
		}
		return n
	}
	if tv, t0 := tinted(vimg), tinted(img); tv < t0+5000 {
		t.Errorf("void stamp: %d tinted pixels, %d without", tv, t0)
	}
}

// The PDF is one A4 page whose image is the letter's pixels.
func TestLetterPDF(t *testing.T) {
	f := fonts(t)
	l := sampleLetter()
	pdf, err := RenderPDF(l, f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %q … %q", pdf[:10], pdf[len(pdf)-10:])
	}
	// startxref points at the table, and every entry at its object.
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 6\n")) {
		t.Fatalf("startxref %d points at %q", xref, pdf[xref:xref+10])
	}
	entries := strings.Split(string(pdf[xref:]), "\n")[3:8]
	for i, e := range entries {
		off, _ := strconv.Atoi(strings.Fields(e)[0])
		if want := strconv.Itoa(i+1) + " 0 obj"; !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d (%d) points at %q", i+1, off, pdf[off:off+8])
		}
	}
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 595.28 841.89]")) || !bytes.Contains(pdf, []byte("/Width 1240 /Height 1754")) {
		t.Error("page or image size missing")
	}
	// The image stream decompresses to the letter's pixels.
	start := bytes.Index(pdf, []byte("/Subtype /Image"))
	s := bytes.Index(pdf[start:], []byte("stream\n")) + start + len("stream\n")
	e := bytes.Index(pdf[s:], []byte("\nendstream")) + s
	zr, err := zlib.NewReader(bytes.NewReader(pdf[s:e]))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != pageW*pageH*3 {
		t.Fatalf("image data %d bytes", len(raw))
	}
	data, lay, err := RenderLayout(l, f)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(data))
	r := lay.Titles[1]
	checked := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			i := (y*pageW + x) * 3
			if raw[i] != byte(cr>>8) || raw[i+1] != byte(cg>>8) || raw[i+2] != byte(cb>>8) {
				t.Fatalf("pixel %d,%d: PDF %v, PNG %d %d %d", x, y, raw[i:i+3], cr>>8, cg>>8, cb>>8)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no pixels compared")
	}
}

// Without a font the letter is refused with ErrNoFont, and its text says everything.
func TestLetterWithoutFont(t *testing.T) {
	if _, err := RenderPNG(sampleLetter(), nil); err != ErrNoFont {
		t.Errorf("no fonts: %v", err)
	}
	text := sampleLetter().Text()
	for _, want := range []string{"第一联　存根", "中国共产党党员组织关系介绍信（回执）", "示范镇党委〔2026〕001号", "广东省深圳市南山区粤海街道党工委：",
		"该同志党费已交到2026年11月", "有效期至2027年2月20日", "138****1234"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestLetterNumberAndWrap(t *testing.T) {
	if got := number("示范镇党委", 2026, 7); got != "示范镇党委〔2026〕007号" {
		t.Errorf("number: %q", got)
	}
	if got := number("示组转", 2027, 1234); got != "示组转〔2027〕1234号" {
		t.Errorf("number: %q", got)
	}
	f := fonts(t)
	face, _ := f.Face(bodySize)
	dc := gg.NewContext(10, 10)
	dc.SetFontFace(face)
	line := "兹介绍张三同志（男，36岁）系中共正式党员，组织关系由中共示范镇党委第一党支部转去你处，请接洽。"
	parts := wrap(dc, line, 300)
	if strings.Join(parts, "") != line || len(parts) < 3 {
		t.Fatalf("wrap: %q", parts)
	}
	for _, p := range parts {
		if w, _ := dc.MeasureString(p); w > 300+float64(bodySize) {
			t.Errorf("line %q is %.0f wide", p, w)
		}
		if strings.HasPrefix(p, "，") || strings.HasPrefix(p, "。") {
			t.Errorf("line starts with closing punctuation: %q", p)
		}
	}
}
