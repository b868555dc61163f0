// Package sim is the simulator platform (DESIGN.md §5): an HTTP API to send the bot messages and
// read everything it sent, a way to run scheduled jobs at a chosen time, and a web chat page.
package sim

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"liudong/bot"
)

//go:embed web
var webFS embed.FS

// Jobs runs scheduled jobs on demand (the scheduler implements it).
type Jobs interface {
	Names() []string
	Run(ctx context.Context, name string, now time.Time) error
}

// Directory lists members for the web page's identity picker and issues binding codes for it.
type Directory interface {
	SimMembers(ctx context.Context, platform, account string) ([]DirectoryEntry, error)
	SimBindingCode(ctx context.Context, memberID int64) (string, error)
}

// DirectoryEntry is one member in the picker.
type DirectoryEntry struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Branch    string `json:"branch"`
	Secretary bool   `json:"secretary"`
	Handle    string `json:"handle"` // bound handle on the simulator, "" when unbound
}

// Sent is one message the bot sent.
type Sent struct {
	Seq   int       `json:"seq"`
	To    string    `json:"to"`
	Group string    `json:"group"`
	Text  string    `json:"text"`
	Image string    `json:"image,omitempty"` // URL of the image, when one was sent
	At    time.Time `json:"at"`
	data  []byte
}

// maxLog bounds the in-memory sent log; seq keeps counting past trimmed entries.
const maxLog = 100_000

// Platform is the simulator.
type Platform struct {
	account string
	log     *slog.Logger
	jobs    Jobs
	dir     Directory

	mu     sync.Mutex
	handle bot.HandleFunc
	sent   []Sent
	seq    int
	msgSeq int
	ready  chan struct{}
}

// New makes the simulator; jobs and dir may be nil.
func New(account string, log *slog.Logger, jobs Jobs, dir Directory) *Platform {
	return &Platform{account: account, log: log, jobs: jobs, dir: dir, ready: make(chan struct{})}
}

func (p *Platform) Name() string    { return "sim" }
func (p *Platform) Account() string { return p.account }

// Health is always fine: the simulator has no session to lose.
func (p *Platform) Health() bot.Health { return bot.Health{OK: true, State: "online"} }

// Run installs handle; messages arrive through the HTTP handler.
func (p *Platform) Run(ctx context.Context, handle bot.HandleFunc) error {
	p.mu.Lock()
	p.handle = handle
	p.mu.Unlock()
	close(p.ready)
	<-ctx.Done()
	return nil
}

// Send appends to the sent log.
func (p *Platform) Send(_ context.Context, out bot.Outgoing) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	group := out.Group
	if group == "" {
		group = out.GroupName // a group known by name only: simulator handles are the names
	}
	s := Sent{Seq: p.seq, To: out.To, Group: group, Text: out.Text, At: time.Now()}
	if len(out.Image) > 0 {
		s.Image = fmt.Sprintf("/sim/api/sent/%d/image", p.seq)
		s.data = out.Image
		if s.Text == "" {
			s.Text = "[图片]"
		}
	}
	p.sent = append(p.sent, s)
	if len(p.sent) > maxLog {
		p.sent = append([]Sent(nil), p.sent[len(p.sent)-maxLog/2:]...)
	}
	return nil
}

// Handler serves the API and the web page.
func (p *Platform) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sim/api/messages", p.postMessage)
	mux.HandleFunc("GET /sim/api/sent", p.getSent)
	mux.HandleFunc("GET /sim/api/sent/{seq}/image", p.getImage)
	mux.HandleFunc("GET /sim/api/jobs", p.listJobs)
	mux.HandleFunc("POST /sim/api/jobs/{name}", p.runJob)
	mux.HandleFunc("GET /sim/api/members", p.listMembers)
	mux.HandleFunc("POST /sim/api/members/{id}/code", p.issueCode)
	web, _ := fs.Sub(webFS, "web")
	mux.Handle("GET /", http.FileServerFS(web))
	return mux
}

type inbound struct {
	ID       string        `json:"id"`
	From     string        `json:"from"`
	Nick     string        `json:"nick"`
	Group    string        `json:"group"`
	Text     string        `json:"text"`
	Location *bot.Location `json:"location"`
	At       string        `json:"at"`
}

type reply struct {
	To    string `json:"to"`
	Group string `json:"group"`
	Text  string `json:"text"`
	Image string `json:"image,omitempty"`
}

func (p *Platform) postMessage(w http.ResponseWriter, r *http.Request) {
	var in inbound
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "请求不是有效的JSON："+err.Error())
		return
	}
	in.From = strings.TrimSpace(in.From)
	if in.From == "" {
		writeError(w, http.StatusBadRequest, "缺少from（发送者标识）")
		return
	}
	if in.Text == "" && in.Location == nil {
		writeError(w, http.StatusBadRequest, "缺少text或location")
		return
	}
	at := time.Now()
	if in.At != "" {
		t, err := time.Parse(time.RFC3339, in.At)
		if err != nil {
			writeError(w, http.StatusBadRequest, "at 应为RFC3339时间，例如2026-12-20T09:00:00+08:00")
			return
		}
		at = t
	}
	select {
	case <-p.ready:
	case <-r.Context().Done():
		return
	}
	p.mu.Lock()
	handle := p.handle
	p.msgSeq++
	if in.ID == "" {
		in.ID = fmt.Sprintf("sim-%d-%d", time.Now().UnixNano(), p.msgSeq)
	}
	p.mu.Unlock()
	nick := in.Nick
	if nick == "" {
		nick = in.From
	}
	m := &bot.Message{Platform: p.Name(), Account: p.account, ID: in.ID, From: in.From, Nick: nick,
		Group: in.Group, GroupName: in.Group, Text: in.Text, Location: in.Location, At: at}
	res := handle(r.Context(), m)
	out := struct {
		Replies   []reply `json:"replies"`
		Duplicate bool    `json:"duplicate,omitempty"`
	}{Replies: []reply{}, Duplicate: res.Duplicate}
	for _, rp := range res.Replies {
		x := reply{To: rp.To, Group: rp.Group, Text: rp.Text}
		if len(rp.Image) > 0 && x.Text == "" {
			x.Text = "[图片]"
		}
		out.Replies = append(out.Replies, x)
	}
	writeJSON(w, http.StatusOK, out)
}

func (p *Platform) getSent(w http.ResponseWriter, r *http.Request) {
	after := 0
	if s := r.URL.Query().Get("after"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "after 应为非负整数")
			return
		}
		after = n
	}
	p.mu.Lock()
	msgs := []Sent{}
	for _, s := range p.sent {
		if s.Seq > after {
			msgs = append(msgs, s)
		}
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (p *Platform) getImage(w http.ResponseWriter, r *http.Request) {
	seq, _ := strconv.Atoi(r.PathValue("seq"))
	p.mu.Lock()
	var data []byte
	for _, s := range p.sent {
		if s.Seq == seq {
			data = s.data
		}
	}
	p.mu.Unlock()
	if data == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(data))
	w.Write(data)
}

func (p *Platform) listJobs(w http.ResponseWriter, r *http.Request) {
	names := []string{}
	if p.jobs != nil {
		names = append(names, p.jobs.Names()...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": names})
}

func (p *Platform) runJob(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	now := time.Now()
	if s := r.URL.Query().Get("now"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			writeError(w, http.StatusBadRequest, "now 应为RFC3339时间，例如2026-12-20T09:00:00+08:00")
			return
		}
		now = t
	}
	if p.jobs == nil || !contains(p.jobs.Names(), name) {
		writeError(w, http.StatusNotFound, "没有这个任务："+name)
		return
	}
	before := p.lastSeq()
	if err := p.jobs.Run(r.Context(), name, now); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"job": name, "now": now.Format(time.RFC3339), "sent_after": before})
}

func (p *Platform) lastSeq() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seq
}

func (p *Platform) listMembers(w http.ResponseWriter, r *http.Request) {
	if p.dir == nil {
		writeJSON(w, http.StatusOK, map[string]any{"members": []DirectoryEntry{}})
		return
	}
	ms, err := p.dir.SimMembers(r.Context(), p.Name(), p.account)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": ms})
}

func (p *Platform) issueCode(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || p.dir == nil {
		writeError(w, http.StatusNotFound, "没有这个党员")
		return
	}
	code, err := p.dir.SimBindingCode(r.Context(), id)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": code})
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && !errors.Is(err, http.ErrHandlerTimeout) {
		return
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
