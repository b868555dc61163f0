package config

import (
	"strings"
	"testing"
)

func TestWeChatSection(t *testing.T) {
	env := []string{"LIUDONG_SECRET_KEY=" + key, "LIUDONG_PLATFORM=wechat"}
	if _, err := Load("", env); err == nil || !strings.Contains(err.Error(), "wechat.account") {
		t.Fatalf("platform wechat without an account: %v", err)
	}
	cfg, err := Load("", append(env, "LIUDONG_WECHAT_ACCOUNT=支部助手", "LIUDONG_REDIS_PREFIX=ld:"))
	if err != nil {
		t.Fatal(err)
	}
	// /healthz and /metrics get a listener of their own; defaults as documented.
	if cfg.HTTP.Addr != DefaultWeChatHTTPAddr || !cfg.WeChat.AutoAcceptFriends || cfg.WeChat.InboundQueue != 256 {
		t.Errorf("defaults: %+v %+v", cfg.HTTP, cfg.WeChat)
	}
	if got := cfg.SessionRedisKey(); got != "ld:wechat:session:支部助手" {
		t.Errorf("session key %q", got)
	}
	cfg, err = Load("", append(env, "LIUDONG_WECHAT_ACCOUNT=a", "LIUDONG_WECHAT_SESSION_KEY=bot1", "LIUDONG_HTTP_ADDR=0.0.0.0:9090"))
	if err != nil || cfg.SessionRedisKey() != "liudong:bot1" || cfg.HTTP.Addr != "0.0.0.0:9090" {
		t.Errorf("%v %q %q", err, cfg.SessionRedisKey(), cfg.HTTP.Addr)
	}
	p := write(t, "platform: wechat\nwechat:\n  account: a\n  inbound_queue: 0\nnotify:\n  groups:\n    第一党支部: \"\"\n")
	_, err = Load(p, []string{"LIUDONG_SECRET_KEY=" + key})
	if err == nil || !strings.Contains(err.Error(), "wechat.inbound_queue") || !strings.Contains(err.Error(), "notify.groups") {
		t.Errorf("bad section: %v", err)
	}
	// The simulator keeps http.addr empty: it serves /healthz itself.
	if cfg, err := Load("", []string{"LIUDONG_SECRET_KEY=" + key}); err != nil || cfg.HTTP.Addr != "" {
		t.Errorf("sim: %v %q", err, cfg.HTTP.Addr)
	}
}
