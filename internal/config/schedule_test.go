package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "configs", "liudong.example.yaml"), []string{"LIUDONG_SECRET_KEY=" + testKey})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Notify.Detail != "masked" || cfg.Schedule.Transfer.Months != 6 || cfg.Schedule.WeeklyDigest.Spec != "30 9 * * 1" || cfg.Sim.Throttle {
		t.Errorf("example config: %+v %+v", cfg.Notify, cfg.Schedule)
	}
}

func TestNotifyAndScheduleKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	os.WriteFile(path, []byte("notify:\n  groups:\n    第一党支部: 一支部支委群\n"), 0o600)
	cfg, err := Load(path, []string{"LIUDONG_SECRET_KEY=" + testKey, "LIUDONG_SCHEDULE_TRANSFER_SPEC=15 8 * * *",
		"LIUDONG_NOTIFY_MIN_INTERVAL=2s", "LIUDONG_SIM_THROTTLE=true"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Notify.Groups["第一党支部"] != "一支部支委群" || cfg.Schedule.Transfer.Spec != "15 8 * * *" || !cfg.Sim.Throttle ||
		cfg.Notify.MinInterval.Seconds() != 2 {
		t.Errorf("loaded %+v %+v", cfg.Notify, cfg.Schedule.Transfer)
	}
	for _, tc := range []struct{ env, key string }{
		{"LIUDONG_NOTIFY_QUIET_START=22点", "notify.quiet_start"},
		{"LIUDONG_NOTIFY_DETAIL=names", "notify.detail"},
		{"LIUDONG_NOTIFY_DAILY_CAP=0", "notify.daily_cap"},
		{"LIUDONG_NOTIFY_STALE_AFTER=30s", "notify.stale_after"},
		{"LIUDONG_SCHEDULE_WEEKLY_DIGEST_SPEC=every monday", "schedule.weekly_digest.spec"},
		{"LIUDONG_SCHEDULE_INFLOW_REGISTRATION_MONTHS=0", "schedule.inflow_registration.months"},
		{"LIUDONG_SCHEDULE_SPRING_FESTIVAL_LEAD_DAYS=90", "schedule.spring_festival.lead_days"},
		{"LIUDONG_SCHEDULE_LEASE_TTL=1s", "schedule.lease_ttl"},
		{"LIUDONG_SCHEDULE_REPORT_OVERDUE_WITHIN_DAYS=91", "schedule.report_overdue.within_days"},
		{"LIUDONG_SCHEDULE_DUES_NOTICE_DAY=29", "schedule.dues_notice.day"},
		{"LIUDONG_SCHEDULE_DUES_NOTICE_SECRETARY_MONTHS=0", "schedule.dues_notice.secretary_months"},
		{"LIUDONG_SCHEDULE_SIX_MONTH_RISK_MONTHS=7", "schedule.six_month.risk_months"},
		{"LIUDONG_SCHEDULE_SIX_MONTH_WARN_MONTHS=2", "schedule.six_month.warn_months"},
		{"LIUDONG_SCHEDULE_CERTIFICATE_REVIEW_DAYS=-1", "schedule.certificate_review.days"},
		{"LIUDONG_SCHEDULE_CERTIFICATE_INSPECTION_DAYS=0", "schedule.certificate_inspection.days"},
	} {
		_, err := Load("", []string{"LIUDONG_SECRET_KEY=" + testKey, tc.env})
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: %v, want an error naming %s", tc.env, err, tc.key)
		}
	}
	_, err = Load("", []string{"LIUDONG_SECRET_KEY=" + testKey, "LIUDONG_PLATFORM=wechat", "LIUDONG_NOTIFY_MIN_INTERVAL=500ms"})
	if err == nil || !strings.Contains(err.Error(), "WeChat") {
		t.Errorf("WeChat with a fast interval: %v", err)
	}
}
