package font

import _ "embed"

// CJK is the TrueType file of Droid Sans Fallback Full: the CJK
// ideographs, kana, Hangul and CJK punctuation, but no Latin letters or
// digits. Callers must not modify it: every report shares it.
//
//go:embed DroidSansFallbackFull.ttf
var CJK []byte

// CJKFamily is CJK's family name, as its name table gives it.
const CJKFamily = "Droid Sans Fallback"

// CJKSHA256 is the hex SHA-256 of CJK, so that a replaced font file
// shows in review and fails TestEmbedded until NOTICE follows.
const CJKSHA256 = "acb6440a713d880a13a21b468ba7cd43f5a2b2934972e51be791c880730777b8"

// Latin is the TrueType file of DejaVu Sans Condensed: Latin, Greek,
// Cyrillic, punctuation and symbols, which CJK lacks. Callers must not
// modify it.
//
//go:embed DejaVuSansCondensed.ttf
var Latin []byte

// LatinFamily is Latin's family name, as its name table gives it.
const LatinFamily = "DejaVu Sans Condensed"

// LatinSHA256 is the hex SHA-256 of Latin.
const LatinSHA256 = "2d8aa290adcf1ebcbb35f63e57cf32941b012eaab4b65096b904112cf3bac972"
