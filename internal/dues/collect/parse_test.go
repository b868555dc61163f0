package collect

import (
	"strings"
	"testing"

	"liudong/internal/dues"
)

func TestParsePayment(t *testing.T) {
	nov := dues.MonthSpan{From: ym(2026, 11), To: ym(2026, 11)}
	tests := []struct {
		in      string
		want    paymentArgs
		wantErr string
	}{
		{"2026年11月 12.5", paymentArgs{Months: nov, HasMonths: true, Amount: 12_50}, ""},
		{"2026年11月 40元", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00}, ""},
		{"2026年11月，40块", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00}, ""},
		{"４０ ２０２６年１１月", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00}, ""},
		{"2026.11 40", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00}, ""},
		{"2026-11 ¥40", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00}, ""},
		{"2026年11月份 40.00", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00}, ""},
		{"2026年10月-12月 120", paymentArgs{Months: dues.MonthSpan{From: ym(2026, 10), To: ym(2026, 12)}, HasMonths: true, Amount: 120_00}, ""},
		{"2026年10月 - 12月 120", paymentArgs{Months: dues.MonthSpan{From: ym(2026, 10), To: ym(2026, 12)}, HasMonths: true, Amount: 120_00}, ""},
		{"2026年11月至2027年1月 120", paymentArgs{Months: dues.MonthSpan{From: ym(2026, 11), To: ym(2027, 1)}, HasMonths: true, Amount: 120_00}, ""},
		{"3个月 120", paymentArgs{Months: dues.MonthSpan{Count: 3}, HasMonths: true, Amount: 120_00}, ""},
		{"补交三个月 120", paymentArgs{Months: dues.MonthSpan{Count: 3}, HasMonths: true, Amount: 120_00}, ""},
		{"2026年11月 40 流入地", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00, Inflow: true}, ""},
		{"2026年11月 40 流入地：深圳市南山区某某支部", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00, Inflow: true, PlaceName: "深圳市南山区某某支部"}, ""},
		{"2026年11月 40 在流入地（深圳南山XX支部）缴纳", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00, Inflow: true, PlaceName: "深圳南山XX支部"}, ""},
		{"2026年3月-11月 360 说明：外出务工期间无法缴纳，支委会同意补交", paymentArgs{Months: dues.MonthSpan{From: ym(2026, 3), To: ym(2026, 11)}, HasMonths: true, Amount: 360_00,
			Note: "外出务工期间无法缴纳，支委会同意补交"}, ""},
		{"2026年11月 40 微信转账", paymentArgs{Months: nov, HasMonths: true, Amount: 40_00, Note: "微信转账"}, ""},
		{"2026年11月", paymentArgs{Months: nov, HasMonths: true}, ""},
		{"40", paymentArgs{}, "请写明缴费月份"},
		{"", paymentArgs{}, "请写明缴费月份"},
		{"2026年13月 40", paymentArgs{}, "月份应为1到12"},
		{"2026年11月 12.345", paymentArgs{}, "最多精确到分"},
		{"2026年11月 0", paymentArgs{}, "应大于0"},
		{"30个月 40", paymentArgs{}, "月数不合理"},
	}
	for _, tt := range tests {
		got, err := parsePayment(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parsePayment(%q) = %+v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parsePayment(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseExemption(t *testing.T) {
	today := ym(2026, 11)
	tests := []struct {
		in      string
		want    dues.Exemption
		wantErr string
	}{
		{"2026年11月-2027年4月 免交 生活困难 镇党委批准",
			dues.Exemption{From: ym(2026, 11), To: ym(2027, 4), Kind: dues.Waive, Reason: "生活困难", ApprovedBy: "镇党委"}, ""},
		{"2026年11月-2027年4月，免交，因病住院，经示范镇党委批准",
			dues.Exemption{From: ym(2026, 11), To: ym(2027, 4), Kind: dues.Waive, Reason: "因病住院", ApprovedBy: "示范镇党委"}, ""},
		{"镇党委批准 免交 2026年11月-12月 原因：家中受灾",
			dues.Exemption{From: ym(2026, 11), To: ym(2026, 12), Kind: dues.Waive, Reason: "家中受灾", ApprovedBy: "镇党委"}, ""},
		{"2026年11月-12月 减交每月5元 生活困难 镇党委批准",
			dues.Exemption{From: ym(2026, 11), To: ym(2026, 12), Kind: dues.Reduce, ReducedTo: 5_00, Reason: "生活困难", ApprovedBy: "镇党委"}, ""},
		{"2026年11月-12月 减交 每月5元 生活困难 镇党委批准",
			dues.Exemption{From: ym(2026, 11), To: ym(2026, 12), Kind: dues.Reduce, ReducedTo: 5_00, Reason: "生活困难", ApprovedBy: "镇党委"}, ""},
		{"2026年11月-12月 减为0.5 生活困难 批准单位：示范镇党委",
			dues.Exemption{From: ym(2026, 11), To: ym(2026, 12), Kind: dues.Reduce, ReducedTo: 50, Reason: "生活困难", ApprovedBy: "示范镇党委"}, ""},
		{"6个月 免交 失业 镇党委审批同意",
			dues.Exemption{From: ym(2026, 11), To: ym(2027, 4), Kind: dues.Waive, Reason: "失业", ApprovedBy: "镇党委"}, ""},
		{"免交 生活困难 镇党委批准", dues.Exemption{}, "请写明减免的月份"},
		{"2026年11月 生活困难 镇党委批准", dues.Exemption{}, "请写明“免交”或“减交每月X元”"},
		{"2026年11月 减交 生活困难 镇党委批准", dues.Exemption{}, "减交后的每月金额"},
		{"2026年11月 免交 镇党委批准", dues.Exemption{}, "请写明减免原因"},
		{"2026年11月 免交 生活困难", dues.Exemption{}, "请写明批准单位"},
	}
	for _, tt := range tests {
		got, err := parseExemption(tt.in, today)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseExemption(%q) = %+v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseExemption(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseReassess(t *testing.T) {
	tests := []struct {
		in      string
		want    ReassessInput
		wantErr string
	}{
		{"月收入5200", ReassessInput{Income: 5200_00}, ""},
		{"月收入 5200", ReassessInput{Income: 5200_00}, ""},
		{"税后月收入：5200元", ReassessInput{Income: 5200_00}, ""},
		{"在职 5200", ReassessInput{Category: dues.Employed, Income: 5200_00}, ""},
		{"离退休 养老金4800", ReassessInput{Category: dues.Retired, Income: 4800_00}, ""},
		{"退休 4800", ReassessInput{Category: dues.Retired, Income: 4800_00}, ""},
		{"农民", ReassessInput{Category: dues.Farmer}, ""},
		{"低保", ReassessInput{Category: dues.Relief}, ""},
		{"个体 上季度收入15000", ReassessInput{Category: dues.SelfEmployed, QuarterTotal: 15000_00}, ""},
		{"年薪制 当月薪酬12000 自2026年9月", ReassessInput{Category: dues.AnnualSalary, Income: 12000_00, From: ym(2026, 9)}, ""},
		{"月收入5200 2026年9月起", ReassessInput{Income: 5200_00, From: ym(2026, 9)}, ""},
		{"月收入5200 从2026年9月开始 备注：换了工作", ReassessInput{Income: 5200_00, From: ym(2026, 9), Note: "换了工作"}, ""},
		{"", ReassessInput{}, "请写明人员类别或收入"},
		{"月收入", ReassessInput{}, "请在收入后写上金额"},
		{"老板 5000", ReassessInput{}, "看不懂“老板”"},
		{"月收入五千", ReassessInput{}, "收入"},
		{"月收入5200 自2026年13月", ReassessInput{}, "1到12"},
	}
	for _, tt := range tests {
		got, err := parseReassess(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseReassess(%q) = %+v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseReassess(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in      string
		allowID bool
		ref     PaymentRef
		reason  string
		wantErr string
	}{
		{"#12 金额录错", true, PaymentRef{ID: 12}, "金额录错", ""},
		{"＃12 金额录错", true, PaymentRef{ID: 12}, "金额录错", ""},
		{"记录12 重复登记", true, PaymentRef{ID: 12}, "重复登记", ""},
		{"12号 重复登记", true, PaymentRef{ID: 12}, "重复登记", ""},
		{"2026年11月 重复登记，应为12月", true, PaymentRef{Month: ym(2026, 11)}, "重复登记，应为12月", ""},
		{"2026年11月", true, PaymentRef{Month: ym(2026, 11)}, "", ""},
		{"2026年11月 原因：期间录错", false, PaymentRef{Month: ym(2026, 11)}, "期间录错", ""},
		{"#12 录错", false, PaymentRef{}, "", "no entry"},
		{"", true, PaymentRef{}, "", "no entry"},
		{"3个月 录错", true, PaymentRef{}, "", "具体月份"},
	}
	for _, tt := range tests {
		ref, reason, err := parseRef(tt.in, tt.allowID)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseRef(%q) = %+v, %q, %v; want error %q", tt.in, ref, reason, err, tt.wantErr)
			}
			continue
		}
		if err != nil || ref != tt.ref || reason != tt.reason {
			t.Errorf("parseRef(%q) = %+v, %q, %v; want %+v, %q", tt.in, ref, reason, err, tt.ref, tt.reason)
		}
	}
}
