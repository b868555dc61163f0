package bot

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Serialise handles one member's messages one at a time (unbound senders by handle), so a
// conversation never sees its own messages out of order.
func Serialise() Middleware {
	var locks keyedMutex
	return func(next Handler) Handler {
		return func(c *Context) error {
			key := "h:" + c.Msg.Platform + ":" + c.Msg.Account + ":" + c.Msg.From
			if c.Identity.Bound() {
				key = "m:" + strconv.FormatInt(c.Identity.MemberID, 10)
			}
			unlock := locks.lock(key)
			defer unlock()
			return next(c)
		}
	}
}

type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// Metrics counts handled messages by route and outcome and observes handler latency.
type Metrics struct {
	handled *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

// NewMetrics registers the message metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liudong_messages_handled_total",
			Help: "Inbound messages handled, by command (route) and outcome.",
		}, []string{"command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "liudong_handler_duration_seconds",
			Help:    "Time to handle one inbound message, middleware included.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command"}),
	}
	reg.MustRegister(m.handled, m.latency)
	return m
}

// Middleware observes every message; it should be the outermost.
func (m *Metrics) Middleware() Middleware {
	return func(next Handler) Handler {
		return func(c *Context) error {
			start := time.Now()
			err := next(c)
			outcome := c.Outcome
			if err != nil {
				outcome = "error"
				var ue *UserError
				if asUserError(err, &ue) {
					outcome = "rejected"
				}
			}
			if outcome == "" {
				outcome = "ok"
			}
			// Routes are command, flow and pattern names: a bounded label set.
			m.handled.WithLabelValues(c.Route, outcome).Inc()
			m.latency.WithLabelValues(c.Route).Observe(time.Since(start).Seconds())
			return err
		}
	}
}
