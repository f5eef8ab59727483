package report

import (
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
)

// incidentMessages is every string the incident review report prints
// (incidents.go), in one language; messages embeds it. The words for
// categories, severities and states are the web UI's
// (internal/i18n/locales, incident.*).
type incidentMessages struct {
	IncidentsTitle string
	// Period takes the first and the last day.
	Period, PeriodValue string
	Label               string

	// Cards.
	CardIncidents, CardIncidentsNote string // the note takes open and closed
	CardDowntime, CardDowntimeNote   string // the note takes the incidents with an impact
	CardEffort                       string
	CardContain, CardMean            string // the mean takes it, formatted
	CardReview, ReviewNow            string
	ReviewOverdue, NotDue            string
	Hours                            string // takes a number of hours, formatted

	// SAMM.
	SAMMTitle, SAMMTarget                 string // the target takes it, formatted
	ColMetric, ColAchieved, ColOf, ColPct string
	ColStatus, Met, Under, NoData         string
	SAMMNames                             map[string]string
	// SAMMNote and SAMMNoteMore say how the metrics are counted, in two
	// paragraphs: a text box holds at most maxCellRunes.
	SAMMNote, SAMMNoteMore                 string
	Charts                                 string
	ByCategory, ByProject                  string
	ColCategory, ColSeverity, ColProject   string
	ColIncidents, Unattributed             string
	Trend, ColMonth, ColDetected, ColClose string

	// Impact.
	Impact, TotalDowntime, MeanDowntime, MedianDowntime string
	PersonHours, Minutes                                string // minutes takes a number of minutes, formatted
	ColCurrency, ColDirect, ColLongTerm, NoCosts        string

	// Response times.
	Response, ColStep, ColMeasured, ColMedianH, ColMeanH string
	ResponseNote                                         string
	StepNames                                            map[incident.State]string

	// The incidents.
	ListedIncidents, NoIncidents, Withheld               string // listed and withheld take a count
	ColIncident, ColTitleI, ColCategoryI, ColSeverityI   string
	ColStateI, ColDetectedI, ColDowntime, ColPersonHours string
	ColDirectCost, ColTLP                                string

	// The process review.
	Review, ReviewSchedule, LastReview, NoReview, NextReview string

	// The CSV's columns and the words of its rows.
	ColBreakdown, ColValue, ColUnit string
	ItemMedian, ItemMean            string
	UnitMinutes, UnitHours          string

	CategoryNames map[incident.Category]string
	SeverityNames map[incident.Severity]string
	IncidentState map[incident.State]string
}

var enIncidents = incidentMessages{
	IncidentsTitle:    "Incident review report",
	Period:            "Period",
	PeriodValue:       "%s to %s",
	Label:             "Label",
	CardIncidents:     "Incidents",
	CardIncidentsNote: "%d open, %d closed",
	CardDowntime:      "Downtime",
	CardDowntimeNote:  "%d incidents with an impact",
	CardEffort:        "Person-hours",
	CardContain:       "Median time to contain",
	CardMean:          "mean %s",
	CardReview:        "Next process review",
	ReviewNow:         "now",
	ReviewOverdue:     "overdue",
	NotDue:            "not yet due",
	Hours:             "%s h",

	SAMMTitle:   "SAMM success metrics",
	SAMMTarget:  "OWASP SAMM's target for each: more than %s%%.",
	ColMetric:   "Metric",
	ColAchieved: "Achieved",
	ColOf:       "Of",
	ColPct:      "Percent",
	ColStatus:   "Status",
	Met:         "target met",
	Under:       "under target",
	NoData:      "no data",
	SAMMNames: map[string]string{
		metrics.KeyBriefed:   "Project teams briefed on the process in the last 6 months",
		metrics.KeyInformed:  "Stakeholders informed of disclosures",
		metrics.KeyRootCause: "Closed incidents with documented root cause and recommendations",
		metrics.KeyCollated:  "Closed incidents with metrics collated",
	},
	SAMMNote: "How they are counted. Teams: those named on assets and users, briefed in the six months before the period's end. " +
		"Stakeholders: those in the communication trees of the period's incidents; one is informed when it was sent the incident's report, " +
		"a state change, an advisory or a briefing (escalations, messages held under embargo, withheld by the label or failed do not count).",
	SAMMNoteMore: "Root cause: a closed or reviewed incident with at least one cause and one recommendation. Metrics collated: a closed or reviewed " +
		"incident with its impact recorded, person-hours included. A metric with nothing to count has no data, which is not 100%.",
	Charts:       "Charts",
	ByCategory:   "By category and severity",
	ByProject:    "Incidents per project",
	ColCategory:  "Category",
	ColSeverity:  "Severity",
	ColProject:   "Project (or the team of its assets)",
	ColIncidents: "Incidents",
	Unattributed: "No project or team",
	Trend:        "Per month",
	ColMonth:     "Month",
	ColDetected:  "Detected",
	ColClose:     "Closed",

	Impact:         "Impact",
	TotalDowntime:  "Total downtime",
	MeanDowntime:   "Mean downtime per incident",
	MedianDowntime: "Median downtime per incident",
	PersonHours:    "Person-hours spent",
	Minutes:        "%s min",
	ColCurrency:    "Currency",
	ColDirect:      "Direct cost",
	ColLongTerm:    "Estimated long-term cost",
	NoCosts:        "No costs recorded.",

	Response:     "Response times",
	ColStep:      "Step",
	ColMeasured:  "Incidents measured",
	ColMedianH:   "Median (hours)",
	ColMeanH:     "Mean (hours)",
	ResponseNote: "From detection to when the incident last entered the state, for incidents in it or past it now. Containment skipped is measured to eradication.",
	StepNames: map[incident.State]string{
		incident.Triaged: "Time to triage", incident.Contained: "Time to contain", incident.Closed: "Time to close",
	},

	ListedIncidents: "Incidents detected in the period: %d",
	NoIncidents:     "No incidents were detected in this period.",
	Withheld:        "%d more incidents are counted above but not listed: their TLP label or embargo withholds them from you.",
	ColIncident:     "Incident",
	ColTitleI:       "Title",
	ColCategoryI:    "Category",
	ColSeverityI:    "Severity",
	ColStateI:       "State",
	ColDetectedI:    "Detected",
	ColDowntime:     "Downtime (min)",
	ColPersonHours:  "Person-hours",
	ColDirectCost:   "Direct cost",
	ColTLP:          "TLP",

	Review:         "Process review",
	ReviewSchedule: "A review of the incident response process at least every %d months.",
	LastReview:     "Last review: %s, with %s.",
	NoReview:       "No review held yet.",
	NextReview:     "Next review due by: %s (%s)",

	ColBreakdown: "Breakdown",
	ColValue:     "Value",
	ColUnit:      "Unit",
	ItemMedian:   "Median",
	ItemMean:     "Mean",
	UnitMinutes:  "min",
	UnitHours:    "h",

	CategoryNames: map[incident.Category]string{
		incident.Intrusion: "Intrusion", incident.Exploitation: "Vulnerability exploitation", incident.Malware: "Malware",
		incident.DataBreach: "Data breach", incident.DenialService: "Denial of service", incident.Phishing: "Phishing",
		incident.Insider: "Insider", incident.Misconfig: "Misconfiguration", incident.Other: "Other",
	},
	SeverityNames: map[incident.Severity]string{
		incident.SevCritical: "Critical", incident.SevHigh: "High", incident.SevMedium: "Medium", incident.SevLow: "Low",
	},
	IncidentState: map[incident.State]string{
		incident.Reported: "Reported", incident.Triaged: "Triaged", incident.Contained: "Contained", incident.Eradicated: "Eradicated",
		incident.Recovered: "Recovered", incident.Closed: "Closed", incident.Reviewed: "Reviewed",
	},
}

var zhIncidents = incidentMessages{
	IncidentsTitle:    "安全事件复盘报告",
	Period:            "统计期间",
	PeriodValue:       "%s 至 %s",
	Label:             "TLP 标签",
	CardIncidents:     "安全事件",
	CardIncidentsNote: "未关闭 %d 起，已关闭 %d 起",
	CardDowntime:      "停机时长",
	CardDowntimeNote:  "涉及 %d 起已记录影响的事件",
	CardEffort:        "投入工时",
	CardContain:       "遏制时间中位数",
	CardMean:          "平均 %s",
	CardReview:        "下次流程复盘",
	ReviewNow:         "现在",
	ReviewOverdue:     "已逾期",
	NotDue:            "未到期",
	Hours:             "%s 小时",

	SAMMTitle:   "SAMM 成功指标",
	SAMMTarget:  "OWASP SAMM 对每项指标的目标：高于 %s%%。",
	ColMetric:   "指标",
	ColAchieved: "达成数",
	ColOf:       "总数",
	ColPct:      "比例（%）",
	ColStatus:   "状态",
	Met:         "已达标",
	Under:       "未达标",
	NoData:      "无数据",
	SAMMNames: map[string]string{
		metrics.KeyBriefed:   "近 6 个月内接受过流程宣贯的项目团队",
		metrics.KeyInformed:  "已获知披露信息的干系人",
		metrics.KeyRootCause: "已记录根因和改进建议的已关闭事件",
		metrics.KeyCollated:  "已汇总指标的已关闭事件",
	},
	SAMMNote: "计算方法。团队：资产和用户所属的团队，统计期末之前 6 个月内接受过宣贯即计入。" +
		"干系人：本期事件沟通树中的干系人；收到该事件的报告、状态变更、通告或通报之一即视为已知情" +
		"（升级通知、因禁发期暂缓、因 TLP 标签拦截或发送失败的消息不计入）。",
	SAMMNoteMore: "根因：已关闭或已复盘的事件至少记录一项原因和一项改进建议。指标已汇总：已关闭或已复盘的事件已记录影响，且包括投入工时。" +
		"没有可统计对象的指标显示为无数据，而不是 100%。",
	Charts:       "图表",
	ByCategory:   "按类别和严重程度统计",
	ByProject:    "各项目事件数",
	ColCategory:  "类别",
	ColSeverity:  "严重程度",
	ColProject:   "项目（或其资产所属团队）",
	ColIncidents: "事件数",
	Unattributed: "无项目或团队",
	Trend:        "按月统计",
	ColMonth:     "月份",
	ColDetected:  "发现",
	ColClose:     "关闭",

	Impact:         "影响",
	TotalDowntime:  "总停机时长",
	MeanDowntime:   "单起事件平均停机时长",
	MedianDowntime: "单起事件停机时长中位数",
	PersonHours:    "投入工时",
	Minutes:        "%s 分钟",
	ColCurrency:    "币种",
	ColDirect:      "直接成本",
	ColLongTerm:    "预估长期成本",
	NoCosts:        "未记录成本。",

	Response:     "响应时间",
	ColStep:      "环节",
	ColMeasured:  "计入事件数",
	ColMedianH:   "中位数（小时）",
	ColMeanH:     "平均值（小时）",
	ResponseNote: "从发现到事件最后一次进入该状态的时间，只计入当前处于该状态或之后状态的事件。跳过遏制的事件按根除时间计算。",
	StepNames: map[incident.State]string{
		incident.Triaged: "研判时间", incident.Contained: "遏制时间", incident.Closed: "关闭时间",
	},

	ListedIncidents: "本期发现的安全事件：%d 起",
	NoIncidents:     "本期未发现安全事件。",
	Withheld:        "另有 %d 起事件已计入上述统计，但因其 TLP 标签或禁发期限制未向您列出。",
	ColIncident:     "编号",
	ColTitleI:       "标题",
	ColCategoryI:    "类别",
	ColSeverityI:    "严重程度",
	ColStateI:       "状态",
	ColDetectedI:    "发现时间",
	ColDowntime:     "停机（分钟）",
	ColPersonHours:  "工时",
	ColDirectCost:   "直接成本",
	ColTLP:          "TLP",

	Review:         "流程复盘",
	ReviewSchedule: "事件响应流程至少每 %d 个月复盘一次。",
	LastReview:     "上次复盘：%s，参加人员：%s。",
	NoReview:       "尚未举行复盘。",
	NextReview:     "下次复盘期限：%s（%s）",

	ColBreakdown: "分项",
	ColValue:     "数值",
	ColUnit:      "单位",
	ItemMedian:   "中位数",
	ItemMean:     "平均值",
	UnitMinutes:  "分钟",
	UnitHours:    "小时",

	CategoryNames: map[incident.Category]string{
		incident.Intrusion: "入侵", incident.Exploitation: "漏洞利用", incident.Malware: "恶意软件",
		incident.DataBreach: "数据泄露", incident.DenialService: "拒绝服务", incident.Phishing: "网络钓鱼",
		incident.Insider: "内部人员", incident.Misconfig: "配置错误", incident.Other: "其他",
	},
	SeverityNames: map[incident.Severity]string{
		incident.SevCritical: "严重", incident.SevHigh: "高", incident.SevMedium: "中", incident.SevLow: "低",
	},
	IncidentState: map[incident.State]string{
		incident.Reported: "已报告", incident.Triaged: "已研判", incident.Contained: "已遏制", incident.Eradicated: "已根除",
		incident.Recovered: "已恢复", incident.Closed: "已关闭", incident.Reviewed: "已复盘",
	},
}
