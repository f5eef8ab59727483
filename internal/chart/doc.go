// Package chart draws the dashboard's charts on the server, as SVG for the
// web UI (served as image/svg+xml behind an <img>) and as PNG for PDF
// reports, with github.com/go-analyze/charts.
//
// Each chart is one function from plain data and Options to the rendered
// bytes:
//
//   - OpenByPriority: open findings per priority, one bar each, critical
//     to low, in fixed colours;
//   - MTTRTrend: mean time to remediate in days per month, one line per
//     priority;
//   - IntakeBySource: records or findings per source, horizontal bars,
//     largest first, the tail summed into "other";
//   - ExposureTrend: open KEV findings and overdue findings per week;
//
// and, for the incident review report (package incident/metrics):
//
//   - IncidentsByCategory: incidents per category, horizontal bars;
//   - IncidentTrend: incidents detected and closed per month;
//   - ResponseTimes: median and mean time to triage, contain and close;
//   - SAMMProgress: SAMM's success metrics beside their target.
//
// Every label exists in English and Simplified Chinese (Options.Lang);
// the strings live in this package, beside the charts that use them.
//
// # Fonts
//
// The library's embedded fonts (Roboto, Noto Sans) have no Chinese glyphs.
// PNG text is drawn with the font given, so a zh-CN PNG needs a CJK
// TrueType font in Options.Font and is refused without one rather than
// drawn as boxes. SVG text is drawn by the viewer's browser with its own
// fonts (the SVG names the font's family, then sans-serif), but the
// layout (where the legend goes, how wide the axis labels are) is
// measured here with the font given: pass the same CJK font for zh-CN
// SVGs, or Chinese labels are measured with Roboto's missing-glyph width
// and may crowd one another.
//
// # Hostile input
//
// Source names and titles come from data. The SVG writer escapes text
// (&, <, >) and strips characters XML forbids; the tests hold it to that
// by parsing every output with encoding/xml. Labels are also cleaned
// here: control characters dropped and long names cut to a third of the
// chart's width (and at most MaxLabelRunes), so that one odd name cannot
// push the plot off its canvas. Sizes are
// bounded (MaxSize) before anything is allocated, series lengths are
// bounded (MaxMonths, MaxWeeks), and a panic in the renderer comes back
// as an error wrapping ErrRender.
//
// # Determinism
//
// Equal input gives equal bytes: maps are read in a fixed order, the
// theme is this package's own (not the library's mutable registry), and
// the default font is named, not taken from the library's changeable
// default. The golden files under testdata/ pin this.
package chart
