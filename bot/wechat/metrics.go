package wechat

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Register exports the adapter's counters to reg (the app's /metrics).
func (p *Platform) Register(reg prometheus.Registerer) error {
	s := &p.stats
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liudong_wechat_online", Help: "1 while the WeChat account is logged in."},
			func() float64 { return float64(s.online.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liudong_wechat_inbound_queued", Help: "Inbound WeChat messages waiting to be handled."},
			func() float64 { return float64(p.queue.len()) }),
		counter("liudong_wechat_qr_logins_total", "WeChat logins by QR code scan.", &s.qrLogins),
		counter("liudong_wechat_hot_logins_total", "WeChat logins with the stored session.", &s.hotLogins),
		counter("liudong_wechat_logouts_total", "WeChat sessions ended by WeChat (1100/1101/1102).", &s.logouts),
		counter("liudong_wechat_received_total", "WeChat messages queued for handling.", &s.received),
		counter("liudong_wechat_ignored_total", "WeChat messages ignored (system, own, unsupported).", &s.ignored),
		counter("liudong_wechat_sent_total", "Texts and images WeChat accepted.", &s.sent),
		counter("liudong_wechat_send_failures_total", "Sends that failed.", &s.sendFailures),
		counter("liudong_wechat_too_often_total", "Sends WeChat refused as too frequent (1205).", &s.tooOften),
		counter("liudong_wechat_friends_accepted_total", "Friend requests accepted.", &s.friendsAccepted),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
