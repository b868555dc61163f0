package parse

import "testing"

const benchReport = `尊敬的党组织：
现将本季度思想、工作、生活、学习情况汇报如下。
一、思想方面
始终坚定理想信念，坚决拥护党的领导，在外务工期间没有放松对自己的要求，自觉同党中央保持一致。
二、工作方面
在深圳市南山区一家电子厂担任班组长，带领十二名工人完成生产任务，本季度被评为优秀员工。
三、生活方面：家庭和睦，身体健康；租住在厂区附近，生活规律，勤俭节约。
四、学习方面
1.每天登录学习强国，积分超过一万分；
2.参加流入地党支部组织的主题党日和党课各一次；
3.自学《中国共产党章程》，写了三篇学习笔记。
此致
敬礼！
汇报人：张三
2026年11月20日`

func BenchmarkParseReport(b *testing.B) {
	b.SetBytes(int64(len(benchReport)))
	b.ReportAllocs()
	for b.Loop() {
		ParseReport(benchReport)
	}
}

func BenchmarkParseDate(b *testing.B) {
	inputs := []string{
		"11月20日 深圳南山区XX支部 主题党日", "2026-11-20", "昨天", "上周六", "１１月２０日",
		"20261120", "3天前", "周五", "2026年11月20日下午3点", "12月30日",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, err := ParseDate(inputs[i%len(inputs)], now); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkParseOrgLife(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseOrgLife("11月20日 深圳南山区XX支部 主题党日", now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDeparture(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDeparture("2026-11-01 广东省 东莞市 打工", now); err != nil {
			b.Fatal(err)
		}
	}
}
