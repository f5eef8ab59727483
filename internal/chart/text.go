package chart

import (
	"fmt"
	"time"

	"github.com/go-analyze/charts"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/risk"
)

// text is every string the charts draw, in one language.
type text struct {
	noData string

	priorityTitle string
	priority      map[risk.Priority]string

	mttrTitle string

	intakeTitle string
	other       string // the bucket for sources past the top N
	unknown     string // a source without a name

	exposureTitle string
	kev, overdue  string // series names

	// The incident review's charts (incident.go).
	categoryTitle    string
	category         map[incident.Category]string
	incidentTrend    string
	detected, closed string // series names
	timesHours       string // the response times' title, in hours
	timesDays        string // and in days
	stage            map[incident.State]string
	median, mean     string // series names
	sammTitle        string // takes the target, formatted
	samm             map[string]string
	achieved, target string // series names
	noDataLabel      string // after a metric's name: it has no data

	// month names a month on a time axis; withYear on the first point
	// and at each January, so that a year of labels is unambiguous.
	month func(y int, m time.Month, withYear bool) string
	// day names a week by its Monday, with the year as month does.
	day func(t time.Time, withYear bool) string
}

var texts = map[Lang]*text{
	English: {
		noData:        "No data",
		priorityTitle: "Open findings by priority",
		priority: map[risk.Priority]string{
			risk.PriorityCritical: "Critical",
			risk.PriorityHigh:     "High",
			risk.PriorityMedium:   "Medium",
			risk.PriorityLow:      "Low",
		},
		mttrTitle:     "Mean time to remediate (days)",
		intakeTitle:   "Intake by source",
		other:         "Other",
		unknown:       "(unknown)",
		exposureTitle: "KEV exposure and overdue findings",
		kev:           "Open KEV findings",
		overdue:       "Overdue findings",
		categoryTitle: "Incidents by category",
		category: map[incident.Category]string{
			incident.Intrusion: "Intrusion", incident.Exploitation: "Exploitation", incident.Malware: "Malware",
			incident.DataBreach: "Data breach", incident.DenialService: "Denial of service", incident.Phishing: "Phishing",
			incident.Insider: "Insider", incident.Misconfig: "Misconfiguration", incident.Other: "Other",
		},
		incidentTrend: "Incidents per month",
		detected:      "Detected",
		closed:        "Closed",
		timesHours:    "Time to respond (hours)",
		timesDays:     "Time to respond (days)",
		stage: map[incident.State]string{
			incident.Triaged: "Triage", incident.Contained: "Containment", incident.Closed: "Closure",
		},
		median:    "Median",
		mean:      "Mean",
		sammTitle: "SAMM success metrics (target: over %s%%)",
		samm: map[string]string{
			"briefed": "Teams briefed", "informed": "Stakeholders informed", "root_cause": "Root cause documented", "collated": "Metrics collated",
		},
		achieved:    "Achieved",
		target:      "Target",
		noDataLabel: " (no data)",
		month: func(y int, m time.Month, withYear bool) string {
			if withYear {
				return fmt.Sprintf("%.3s %d", m, y)
			}
			return fmt.Sprintf("%.3s", m)
		},
		day: func(t time.Time, withYear bool) string {
			if withYear {
				return t.Format("Jan 2, 2006")
			}
			return t.Format("Jan 2")
		},
	},
	SimplifiedChinese: {
		noData:        "暂无数据",
		priorityTitle: "待修复漏洞（按优先级）",
		priority: map[risk.Priority]string{
			risk.PriorityCritical: "严重",
			risk.PriorityHigh:     "高",
			risk.PriorityMedium:   "中",
			risk.PriorityLow:      "低",
		},
		mttrTitle:     "平均修复时间（天）",
		intakeTitle:   "各来源导入量",
		other:         "其他",
		unknown:       "（未知）",
		exposureTitle: "KEV 暴露与超期漏洞",
		kev:           "未修复的 KEV 漏洞",
		overdue:       "超期漏洞",
		categoryTitle: "安全事件（按类别）",
		category: map[incident.Category]string{
			incident.Intrusion: "入侵", incident.Exploitation: "漏洞利用", incident.Malware: "恶意软件",
			incident.DataBreach: "数据泄露", incident.DenialService: "拒绝服务", incident.Phishing: "网络钓鱼",
			incident.Insider: "内部人员", incident.Misconfig: "配置错误", incident.Other: "其他",
		},
		incidentTrend: "每月安全事件",
		detected:      "发现",
		closed:        "关闭",
		timesHours:    "响应时间（小时）",
		timesDays:     "响应时间（天）",
		stage: map[incident.State]string{
			incident.Triaged: "研判", incident.Contained: "遏制", incident.Closed: "关闭",
		},
		median:    "中位数",
		mean:      "平均值",
		sammTitle: "SAMM 成功指标（目标：高于 %s%%）",
		samm: map[string]string{
			"briefed": "团队已宣贯", "informed": "干系人已知情", "root_cause": "根因已记录", "collated": "指标已汇总",
		},
		achieved:    "达成",
		target:      "目标",
		noDataLabel: "（无数据）",
		month: func(y int, m time.Month, withYear bool) string {
			if withYear {
				return fmt.Sprintf("%d年%d月", y, m)
			}
			return fmt.Sprintf("%d月", m)
		},
		day: func(t time.Time, withYear bool) string {
			if withYear {
				return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
			}
			return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
		},
	},
}

// Priority colours: the usual severity ramp, from alarm to calm, and the
// same in every chart, so that critical is the same dark red on the bars
// and on the MTTR lines.
var priorityColor = map[risk.Priority]charts.Color{
	risk.PriorityCritical: {R: 139, G: 0, B: 0, A: 255},     // dark red
	risk.PriorityHigh:     {R: 228, G: 87, B: 46, A: 255},   // orange-red
	risk.PriorityMedium:   {R: 240, G: 162, B: 2, A: 255},   // amber
	risk.PriorityLow:      {R: 120, G: 144, B: 156, A: 255}, // blue-grey
}

// byUrgency is risk.Priorities most urgent first, the order of bars and
// legends.
var byUrgency = []risk.Priority{risk.PriorityCritical, risk.PriorityHigh, risk.PriorityMedium, risk.PriorityLow}
