// Package font embeds the TrueType fonts vmc's PDF reports are set in.
//
// Reports exist in English and Simplified Chinese, and a PDF shows only
// the glyphs it carries or the viewer finds on its own machine. The PDF
// core fonts (Helvetica, Times, Courier) have no Chinese glyphs, and a
// report that names a system font shows empty boxes wherever that font
// is missing: on a Linux server without CJK fonts, in a container, on a
// phone. So reports embed their fonts and depend on nothing the machine
// that makes or reads the PDF has installed. The PDF writer embeds only
// the glyphs a report uses (a subset), so the megabytes here cost a
// report tens of kilobytes.
//
// Two fonts, because one is not enough:
//
//   - [CJK], Droid Sans Fallback Full, for Chinese (and Japanese kana,
//     the CJK and full-width punctuation, but only three precomposed
//     Hangul syllables). Despite its
//     size, it is a fallback font in the literal sense: Android paired it
//     with Droid Sans, and it has no Latin letters or digits at all. Of
//     the Basic Latin block it maps only the space; Latin-1, the general
//     punctuation (“ ” — …) and U+FFFD are missing too (TestCoverage
//     pins this). Set alone, "第 1 页" would print the 1 as nothing.
//   - [Latin], DejaVu Sans Condensed, for everything else: ASCII, the
//     Latin, Greek and Cyrillic scripts, punctuation and symbols. The
//     condensed cut fits more of a findings table on a page.
//
// A report sets each character in Latin if Latin has it, else in CJK,
// else prints U+FFFD (see internal/report). Both are regular weight
// only: reports mark headings by size and shading, not bold.
//
// Sources, both Debian packages (see NOTICE for the licences):
//
//	DroidSansFallbackFull.ttf  fonts-droid-fallback 1:6.0.1r16-1.1  Apache-2.0
//	DejaVuSansCondensed.ttf    fonts-dejavu-extra 2.37-6            Bitstream Vera licence; DejaVu changes public domain
package font
