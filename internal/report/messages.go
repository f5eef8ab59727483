package report

import (
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
)

// messages is every string a report prints, in one language. A struct
// rather than a map, so that a missing string fails to compile, and
// TestMessages checks that none is empty and both languages take the same
// format verbs. The words follow the web UI's catalogues
// (internal/web/static/i18n), so a report reads like the screen it came
// from.
type messages struct {
	FindingsTitle, SLATitle string
	Generated, Filter       string
	// Colon separates a label from its value.
	Colon       string
	AllFindings string
	// Page takes the page number and the page count.
	Page string
	// NoFindings is printed instead of an empty table.
	NoFindings string
	// Listed takes the number of rows.
	Listed  string
	Yes, No string
	// Days takes a number of days, formatted.
	Days string

	// Column headers of the findings table.
	ColID, ColAsset, ColTeam, ColVuln, ColTitle, ColPackage, ColVersion  string
	ColPriority, ColState, ColDue, ColOverdue, ColAssignee, ColFirstSeen string
	NoDue, Overdue                                                       string

	// Summary.
	Open      string
	Accepted  string // takes the number risk-accepted
	Closed    string
	Remediate string // takes the number remediated
	MTTR      string
	Median    string // takes the median, formatted
	SLA       string
	SLANote   string // takes met and missed
	NoDecided string

	// SLA report.
	ByPriority, All                         string
	ColOpen, ColAccepted, ColOverdueN       string
	ColClosed, ColRemediated                string
	ColMet, ColMissed, ColCompliance        string
	ColMTTR, ColMedian                      string
	ColMTTRDays, ColMedianDays              string
	ComplianceNote                          string
	Policy, ColEnv, ColDays, ColKEV, ColBOD string
	DefaultEnv, NoPolicy                    string
	PolicyColumn                            string // takes an environment's name
	PriorityNames                           map[risk.Priority]string
	StateNames                              map[finding.State]string
	EnvNames                                map[asset.Environment]string
	// The incident review report's.
	incidentMessages
	// stamp formats a time of day with its date, zone aside.
	stamp func(t time.Time) string
}

var en = messages{
	FindingsTitle: "Findings report",
	SLATitle:      "SLA compliance report",
	Generated:     "Generated",
	Filter:        "Filter",
	Colon:         ": ",
	AllFindings:   "all findings",
	Page:          "Page %d of %d",
	NoFindings:    "No findings match this report's filter.",
	Listed:        "Findings listed: %d",
	Yes:           "yes",
	No:            "no",
	Days:          "%s days",

	ColID:        "Finding",
	ColAsset:     "Asset",
	ColTeam:      "Team",
	ColVuln:      "Vulnerability",
	ColTitle:     "Title",
	ColPackage:   "Package",
	ColVersion:   "Installed versions",
	ColPriority:  "Priority",
	ColState:     "State",
	ColDue:       "Due",
	ColOverdue:   "Overdue",
	ColAssignee:  "Assignee",
	ColFirstSeen: "First seen",
	NoDue:        "No deadline",
	Overdue:      "Overdue",

	Open:      "Open findings",
	Accepted:  "of which %d risk-accepted",
	Closed:    "Closed",
	Remediate: "of which %d remediated",
	MTTR:      "Mean time to remediate",
	Median:    "median %s",
	SLA:       "SLA compliance",
	SLANote:   "%d met, %d missed",
	NoDecided: "No deadlines decided yet",

	ByPriority:     "By priority",
	All:            "All",
	ColOpen:        "Open",
	ColAccepted:    "Risk accepted",
	ColOverdueN:    "Overdue",
	ColClosed:      "Closed",
	ColRemediated:  "Remediated",
	ColMet:         "SLA met",
	ColMissed:      "SLA missed",
	ColCompliance:  "SLA compliance (%)",
	ColMTTR:        "MTTR",
	ColMedian:      "Median TTR",
	ColMTTRDays:    "MTTR (days)",
	ColMedianDays:  "Median TTR (days)",
	ComplianceNote: "SLA compliance counts the findings whose deadline is decided: met if remediated by the due date; missed if remediated later, or still open past it. Risk-accepted findings, findings without a deadline and findings closed without a fix are left out. MTTR is the time from first seen to verified fixed.",
	Policy:         "SLA policy",
	ColEnv:         "Environment",
	ColDays:        "Deadline (days)",
	ColKEV:         "CISA KEV due date",
	ColBOD:         "CISA BOD 26-04",
	DefaultEnv:     "Default (other environments)",
	NoPolicy:       "No SLA policy configured.",
	PolicyColumn:   "Deadline (days): %s",
	PriorityNames: map[risk.Priority]string{
		risk.PriorityCritical: "Critical", risk.PriorityHigh: "High", risk.PriorityMedium: "Medium", risk.PriorityLow: "Low",
	},
	StateNames: map[finding.State]string{
		finding.New: "New", finding.Triaged: "Triaged", finding.InRemediation: "In remediation",
		finding.Fixed: "Fixed (awaiting verification)", finding.Verified: "Verified", finding.RiskAccepted: "Risk accepted",
		finding.FalsePositive: "False positive", finding.NotAffected: "Not affected", finding.Duplicate: "Duplicate",
	},
	EnvNames: map[asset.Environment]string{
		asset.EnvProd: "Production", asset.EnvStaging: "Staging", asset.EnvTest: "Test", asset.EnvDev: "Development",
	},
	incidentMessages: enIncidents,
	// 23 Nov 2026 15:04: day first, as British and international
	// usage writes it; the month's name leaves no doubt which is which.
	stamp: func(t time.Time) string { return t.Format("2 Jan 2006 15:04") },
}

var zhCN = messages{
	FindingsTitle: "漏洞发现报告",
	SLATitle:      "SLA 达成情况报告",
	Generated:     "生成时间",
	Filter:        "筛选条件",
	Colon:         "：",
	AllFindings:   "全部发现",
	Page:          "第 %d 页，共 %d 页",
	NoFindings:    "没有符合筛选条件的发现。",
	Listed:        "本报告列出 %d 项发现",
	Yes:           "是",
	No:            "否",
	Days:          "%s 天",

	ColID:        "编号",
	ColAsset:     "资产",
	ColTeam:      "团队",
	ColVuln:      "漏洞",
	ColTitle:     "标题",
	ColPackage:   "软件包",
	ColVersion:   "已安装版本",
	ColPriority:  "优先级",
	ColState:     "状态",
	ColDue:       "修复期限",
	ColOverdue:   "已逾期",
	ColAssignee:  "处理人",
	ColFirstSeen: "首次发现",
	NoDue:        "无期限",
	Overdue:      "已逾期",

	Open:      "未关闭发现",
	Accepted:  "其中 %d 项已接受风险",
	Closed:    "已关闭",
	Remediate: "其中 %d 项已修复",
	MTTR:      "平均修复时长",
	Median:    "中位数 %s",
	SLA:       "SLA 达成率",
	SLANote:   "达成 %d 项，未达成 %d 项",
	NoDecided: "尚无已判定的期限",

	ByPriority:     "按优先级",
	All:            "全部",
	ColOpen:        "未关闭",
	ColAccepted:    "已接受风险",
	ColOverdueN:    "已逾期",
	ColClosed:      "已关闭",
	ColRemediated:  "已修复",
	ColMet:         "SLA 达成",
	ColMissed:      "SLA 未达成",
	ColCompliance:  "SLA 达成率（%）",
	ColMTTR:        "平均修复时长",
	ColMedian:      "修复时长中位数",
	ColMTTRDays:    "平均修复时长（天）",
	ColMedianDays:  "修复时长中位数（天）",
	ComplianceNote: "SLA 达成率只计入期限已有结论的发现：在期限内修复的为达成；逾期后修复或逾期仍未关闭的为未达成。已接受风险、无期限以及未经修复而关闭的发现不计入。平均修复时长指从首次发现到验证修复的时间。",
	Policy:         "SLA 策略",
	ColEnv:         "环境",
	ColDays:        "修复期限（天）",
	ColKEV:         "CISA KEV 期限",
	ColBOD:         "CISA BOD 26-04",
	DefaultEnv:     "默认（其他环境）",
	NoPolicy:       "未配置 SLA 策略。",
	PolicyColumn:   "修复期限（天）：%s",
	PriorityNames: map[risk.Priority]string{
		risk.PriorityCritical: "紧急", risk.PriorityHigh: "高", risk.PriorityMedium: "中", risk.PriorityLow: "低",
	},
	StateNames: map[finding.State]string{
		finding.New: "新发现", finding.Triaged: "已研判", finding.InRemediation: "修复中",
		finding.Fixed: "已修复（待验证）", finding.Verified: "已验证", finding.RiskAccepted: "风险已接受",
		finding.FalsePositive: "误报", finding.NotAffected: "不受影响", finding.Duplicate: "重复",
	},
	EnvNames: map[asset.Environment]string{
		asset.EnvProd: "生产", asset.EnvStaging: "预发布", asset.EnvTest: "测试", asset.EnvDev: "开发",
	},
	incidentMessages: zhIncidents,
	// 2026年11月23日 15:04, unpadded month and day as Chinese writes
	// them.
	stamp: func(t time.Time) string {
		return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), int(t.Month()), t.Day(), t.Format("15:04"))
	},
}
