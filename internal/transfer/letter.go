package transfer

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"

	"liudong/internal/secret"
	"liudong/internal/store"
)

// ErrNoFont means the letter cannot be drawn: no CJK font (stats.font) was found.
var ErrNoFont = errors.New("transfer: no CJK font for the letter")

// Letter is what the three parts of a letter of transfer say (组通字〔2006〕45号): the 存根 kept
// by the issuing committee, the 介绍信 the member carries, the 回执 the receiving organization
// returns.
type Letter struct {
	Number      string
	From        string // the issuing committee: 示范镇党委
	Branch      string // the member's branch
	To          string // the receiving organization
	Name        string
	Gender      string
	Age         int
	Status      string // 正式党员 / 预备党员
	Education   string
	DuesThrough string // 2026年11月, or "" with nothing on record
	Phone       string // the member's phone as it may be printed (masked in chat), or ""
	IssuedOn    time.Time
	ValidUntil  time.Time
	// State is the letter's fate since, printed on the 存根: "" while it waits for the receipt.
	State string
	Void  bool
}

// LetterOf builds the letter of transfer t of member m from its 存根; fullPhone prints the
// member's phone number unmasked (the command line), else masked (chat).
func (s *Service) LetterOf(ctx context.Context, m store.Member, t store.Transfer, fullPhone bool) (Letter, error) {
	st := decodeStub(t)
	l := Letter{Number: t.Number, From: st.From, Branch: st.Branch, To: t.Org, Name: st.Name, Gender: st.Gender, Age: st.Age,
		Status: st.Status, Education: st.Education, DuesThrough: st.DuesPaidThrough, IssuedOn: t.IssuedOn}
	if l.From == "" {
		l.From = s.committee
	}
	if l.Name == "" {
		l.Name, l.Gender, l.Branch = m.Name, m.Gender, m.BranchName
	}
	if t.ValidUntil != nil {
		l.ValidUntil = *t.ValidUntil
	}
	if len(m.PhoneEnc) > 0 {
		p, err := s.box.Open(m.PhoneEnc)
		if err != nil {
			return l, err
		}
		if p != "" && !fullPhone {
			p = secret.MaskPhone(p)
		}
		l.Phone = p
	}
	switch t.Status {
	case store.TransferReceived:
		l.State = fmt.Sprintf("回执已于%s收到，组织关系已转出", date(*t.ReceivedOn))
	case store.TransferCancelled:
		l.State, l.Void = fmt.Sprintf("已于%s撤销作废，原因：%s", date(*t.CancelledOn), t.CancelReason), true
	}
	return l, nil
}

// parts are the letter's three parts, each a label, a title and lines (a line starting with
// ">" is set flush right).
func (l Letter) parts() [3]struct {
	label, title string
	lines        []string
	small        string
} {
	dues := "该同志党费已交到" + l.DuesThrough + "。"
	if l.DuesThrough == "" {
		dues = "该同志党费缴纳情况：本支部尚无缴纳记录。"
	}
	phone := l.Phone
	if phone == "" {
		phone = "__________"
	}
	var p [3]struct {
		label, title string
		lines        []string
		small        string
	}
	p[0].label = "第一联　存根（开具单位留存）"
	p[0].title = "中国共产党党员组织关系介绍信（存根）"
	p[0].lines = []string{
		fmt.Sprintf("　　%s同志（%s，%d岁，%s）系中共%s，组织关系由%s%s转到%s。", l.Name, l.Gender, l.Age, l.Education, l.Status,
			l.From, l.Branch, l.To),
		"　　" + strings.TrimSuffix(dues, "。") + "。有效期至" + date(l.ValidUntil) + "。",
		">" + date(l.IssuedOn),
	}
	if l.State != "" {
		p[0].small = "【" + l.State + "】"
	}
	p[1].label = "第二联　介绍信（交党员本人，持此联报到）"
	p[1].title = "中国共产党党员组织关系介绍信"
	p[1].lines = []string{
		l.To + "：",
		fmt.Sprintf("　　兹介绍%s同志（%s，%d岁，民族______，身份证号码____________________）系中共%s，组织关系由中共%s%s转去你处，请接洽。",
			l.Name, l.Gender, l.Age, l.Status, l.From, l.Branch),
		"　　" + dues,
		fmt.Sprintf("　　（有效期至%s）", date(l.ValidUntil)),
		">中共" + l.From + "（盖章）",
		">" + date(l.IssuedOn),
	}
	p[1].small = "党员联系电话：" + phone + "　　原基层党委通讯地址：__________________　　电话：__________"
	p[2].label = "第三联　回执（由接收党组织填写后寄回）"
	p[2].title = "中国共产党党员组织关系介绍信（回执）"
	p[2].lines = []string{
		"中共" + l.From + "：",
		fmt.Sprintf("　　%s同志的党员组织关系已转达我处，特此回执。", l.Name),
		">接收党组织（盖章）",
		">______年____月____日",
	}
	return p
}

// Text is the letter as plain text (when it cannot be drawn).
func (l Letter) Text() string {
	var b strings.Builder
	for i, p := range l.parts() {
		if i > 0 {
			b.WriteString("\n- - - - - - - - - - - - - - - -\n")
		}
		fmt.Fprintf(&b, "%s\n%s\n编号：%s\n", p.label, p.title, l.Number)
		for _, line := range p.lines {
			b.WriteString(strings.TrimPrefix(line, ">") + "\n")
		}
		if p.small != "" {
			b.WriteString(p.small + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// The page: A4 at 150 dots per inch.
const (
	pageW, pageH = 1240, 1754
	margin       = 90
	titleSize    = 40
	bodySize     = 27
	smallSize    = 21
)

var (
	red   = color.RGBA{0xC8, 0x10, 0x2E, 0xFF}
	ink   = color.RGBA{0x1A, 0x1A, 0x1A, 0xFF}
	grey  = color.RGBA{0x80, 0x80, 0x80, 0xFF}
	faint = color.RGBA{0xC8, 0x10, 0x2E, 0x50}
)

// Layout is where render put each part's title, for tests that read the pixels back.
type Layout struct {
	Titles [3]image.Rectangle
}

// render draws the letter.
func render(l Letter, fonts Fonts) (image.Image, Layout, error) {
	var lay Layout
	if fonts == nil {
		return nil, lay, ErrNoFont
	}
	faces := map[float64]font.Face{}
	for _, size := range []float64{titleSize, bodySize, smallSize, 120} {
		f, err := fonts.Face(size)
		if err != nil {
			return nil, lay, fmt.Errorf("%w: %v", ErrNoFont, err)
		}
		faces[size] = f
	}
	dc := gg.NewContext(pageW, pageH)
	dc.SetColor(color.White)
	dc.Clear()
	width := float64(pageW - 2*margin)
	// The parts share the page: the letter itself is the longest.
	tops := [3]float64{50, 560, 1250}
	bottoms := [3]float64{530, 1220, pageH - 40}
	for i, p := range l.parts() {
		y := tops[i]
		dc.SetFontFace(faces[smallSize])
		dc.SetColor(grey)
		dc.DrawString(p.label, margin, y+smallSize)
		y += smallSize + 40
		dc.SetFontFace(faces[titleSize])
		dc.SetColor(red)
		tw, _ := dc.MeasureString(p.title)
		dc.DrawStringAnchored(p.title, pageW/2, y+titleSize/2, 0.5, 0.5)
		lay.Titles[i] = image.Rect(int(pageW/2-tw/2)-4, int(y)-14, int(pageW/2+tw/2)+4, int(y+titleSize)+14)
		y += titleSize + 24
		dc.SetFontFace(faces[smallSize])
		dc.SetColor(ink)
		dc.DrawStringAnchored("编号："+l.Number, pageW-margin, y+smallSize/2, 1, 0.5)
		y += smallSize + 26
		dc.SetFontFace(faces[bodySize])
		for _, line := range p.lines {
			if right, ok := strings.CutPrefix(line, ">"); ok {
				dc.DrawStringAnchored(right, pageW-margin-40, y+bodySize/2, 1, 0.5)
				y += bodySize * 1.9
				continue
			}
			for _, w := range wrap(dc, line, width) {
				dc.DrawString(w, margin, y+bodySize)
				y += bodySize * 1.7
			}
		}
		if p.small != "" {
			dc.SetFontFace(faces[smallSize])
			if i == 0 {
				dc.SetColor(red)
			}
			for _, w := range wrap(dc, p.small, width) {
				dc.DrawString(w, margin, y+smallSize+6)
				y += smallSize * 1.6
			}
		}
		if l.Void {
			dc.SetFontFace(faces[120])
			dc.SetColor(faint)
			dc.Push()
			cy := (tops[i] + bottoms[i]) / 2
			dc.RotateAbout(gg.Radians(-18), pageW/2, cy)
			dc.DrawStringAnchored("作　废", pageW/2, cy, 0.5, 0.5)
			dc.Pop()
		}
		if i < 2 {
			dashes(dc, bottoms[i]+10)
		}
	}
	return dc.Image(), lay, nil
}

// dashes draws the cut line between two parts.
func dashes(dc *gg.Context, y float64) {
	dc.SetColor(grey)
	dc.SetLineWidth(2)
	dc.SetDash(14, 10)
	dc.DrawLine(40, y, pageW-40, y)
	dc.Stroke()
	dc.SetDash()
}

// wrap breaks a line into pieces no wider than width, between runes (Chinese has no spaces).
func wrap(dc *gg.Context, s string, width float64) []string {
	var out []string
	for s != "" {
		end := len(s)
		if w, _ := dc.MeasureString(s); w > width {
			end = 0
			for i := range s {
				if w, _ := dc.MeasureString(s[:i]); w > width {
					break
				}
				end = i
			}
			if end == 0 {
				_, size := utf8.DecodeRuneInString(s)
				end = size
			}
			// Closing punctuation stays on the line it closes.
			for end < len(s) {
				r, size := utf8.DecodeRuneInString(s[end:])
				if !strings.ContainsRune("，。、；：）”！？", r) {
					break
				}
				end += size
			}
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// RenderPNG draws the letter as a PNG (A4 at 150 dpi), or returns ErrNoFont.
func RenderPNG(l Letter, fonts Fonts) ([]byte, error) {
	img, _, err := render(l, fonts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderLayout is RenderPNG with where the titles were drawn.
func RenderLayout(l Letter, fonts Fonts) ([]byte, Layout, error) {
	img, lay, err := render(l, fonts)
	if err != nil {
		return nil, lay, err
	}
	var buf bytes.Buffer
	err = png.Encode(&buf, img)
	return buf.Bytes(), lay, err
}

// RenderPDF draws the letter as a one-page A4 PDF holding the page's image.
func RenderPDF(l Letter, fonts Fonts) ([]byte, error) {
	img, _, err := render(l, fonts)
	if err != nil {
		return nil, err
	}
	return imagePDF(img)
}

// imagePDF writes a one-page A4 PDF whose page is the image (RGB, Flate-compressed).
func imagePDF(img image.Image) ([]byte, error) {
	b := img.Bounds()
	raw := make([]byte, 0, b.Dx()*b.Dy()*3)
	if rgba, ok := img.(*image.RGBA); ok {
		// The drawing is opaque (a white page): its RGBA bytes are the colours.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := rgba.Pix[rgba.PixOffset(b.Min.X, y):rgba.PixOffset(b.Max.X, y)]
			for i := 0; i < len(row); i += 4 {
				raw = append(raw, row[i], row[i+1], row[i+2])
			}
		}
	} else {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				raw = append(raw, byte(r>>8), byte(g>>8), byte(bl>>8))
			}
		}
	}
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	const pw, ph = "595.28", "841.89" // A4 in points
	content := "q " + pw + " 0 0 " + ph + " 0 0 cm /Im0 Do Q\n"
	var out bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s", len(offsets), body)
		if stream != nil {
			out.WriteString("\nstream\n")
			out.Write(stream)
			out.WriteString("\nendstream")
		}
		out.WriteString("\nendobj\n")
	}
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "+pw+" "+ph+"] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", nil)
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>",
		b.Dx(), b.Dy(), z.Len()), z.Bytes())
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes(), nil
}
