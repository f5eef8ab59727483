package match

import (
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/asset"
)

// label names a component with its version and, when it has one, its
// ecosystem between open and close.
func label(c asset.Component, open, close string) string {
	if c.Ecosystem == "" {
		return c.Name + " " + c.Version
	}
	return c.Name + " " + c.Version + open + c.Ecosystem + close
}

// Text says in plain language, in English ("en") or Simplified Chinese
// ("zh-CN"), why a component matched. Other languages get English.
func (m Match) Text(lang string) string {
	e := m.Explanation
	c := m.Component
	if strings.HasPrefix(lang, "zh") {
		var b strings.Builder
		l := label(c, "（", "）")
		if c.Ecosystem == "" {
			l += " " // a space between the Latin version and 受
		}
		fmt.Fprintf(&b, "%s受 %s 影响：来源 %s 的记录 %s ", l, m.Vuln, e.Source, e.Record)
		if e.Document != "" {
			fmt.Fprintf(&b, "（文档 %s）", e.Document)
		}
		switch e.Kind {
		case "reported":
			b.WriteString("（工具的扫描结果）报告了此漏洞。")
		case "version":
			fmt.Fprintf(&b, "明确列出受影响版本 %s。", e.Installed)
		case "cpe":
			fmt.Fprintf(&b, "的适用性配置中，条件 %s%s与组件的 CPE %s 匹配（版本 %s）。", e.Criterion, e.Bounds.text(true), e.CPE, e.Installed)
		default:
			fmt.Fprintf(&b, "指出 %s 范围内", e.RangeType)
			if e.Introduced != "" {
				fmt.Fprintf(&b, "自 %s 起", e.Introduced)
			}
			switch {
			case e.Fixed != "":
				fmt.Fprintf(&b, "、%s 之前", e.Fixed)
			case e.LastAffected != "":
				fmt.Fprintf(&b, "、直至 %s（含）", e.LastAffected)
			case e.Limit != "":
				fmt.Fprintf(&b, "、%s 之前（limit）", e.Limit)
			}
			fmt.Fprintf(&b, "的版本受影响，已安装版本 %s 在此范围内。", e.Installed)
		}
		switch {
		case e.FixedVersion != "":
			fmt.Fprintf(&b, "请升级到 %s 或更高版本。", e.FixedVersion)
		case e.Kind != "reported":
			b.WriteString("该记录未给出修复版本。")
		}
		if len(m.Also) > 0 {
			fmt.Fprintf(&b, "另有 %s 持相同结论。", strings.Join(m.Also, "、"))
		}
		if v := m.VEX; v != nil {
			fmt.Fprintf(&b, "VEX（%s）声明状态为 %s", v.Source, v.Status)
			if v.Justification != "" {
				fmt.Fprintf(&b, "，理由：%s", v.Justification)
			}
			b.WriteString("。")
		}
		return b.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s is affected by %s: record %s from %s", label(c, " (", ")"), m.Vuln, e.Record, e.Source)
	if e.Document != "" {
		fmt.Fprintf(&b, " (document %s)", e.Document)
	}
	switch e.Kind {
	case "reported":
		b.WriteString(" (a tool's scan result) reports it.")
	case "version":
		fmt.Fprintf(&b, " lists version %s as affected.", e.Installed)
	case "cpe":
		fmt.Fprintf(&b, " has a configuration whose criterion %s%s matches the component's CPE %s at version %s.", e.Criterion, e.Bounds.text(false), e.CPE, e.Installed)
	default:
		fmt.Fprintf(&b, " says versions")
		if e.Introduced != "" {
			fmt.Fprintf(&b, " from %s", e.Introduced)
		}
		switch {
		case e.Fixed != "":
			fmt.Fprintf(&b, " before %s", e.Fixed)
		case e.LastAffected != "":
			fmt.Fprintf(&b, " up to and including %s", e.LastAffected)
		case e.Limit != "":
			fmt.Fprintf(&b, " below the limit %s", e.Limit)
		}
		fmt.Fprintf(&b, " (%s range) are affected, and %s is in that range.", e.RangeType, e.Installed)
	}
	switch {
	case e.FixedVersion != "":
		fmt.Fprintf(&b, " Upgrade to %s or later.", e.FixedVersion)
	case e.Kind != "reported":
		b.WriteString(" The record names no fixed version.")
	}
	if len(m.Also) > 0 {
		fmt.Fprintf(&b, " %s say the same.", strings.Join(m.Also, ", "))
	}
	if v := m.VEX; v != nil {
		fmt.Fprintf(&b, " VEX (%s) states %s", v.Source, v.Status)
		if v.Justification != "" {
			fmt.Fprintf(&b, ": %s", v.Justification)
		}
		b.WriteString(".")
	}
	return b.String()
}
