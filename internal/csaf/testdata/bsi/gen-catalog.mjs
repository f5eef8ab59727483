// Regenerates ../../catalog/ from the CWE and IANA language-subtag tables
// shipped inside @secvisogram/csaf-validator-lib (see ../../catalog/README.md).
// Run from this folder after `npm ci`: node gen-catalog.mjs
import { writeFileSync } from 'node:fs'
import cwec from '@secvisogram/csaf-validator-lib/lib/shared/cwec.js'
import subtags from '@secvisogram/csaf-validator-lib/lib/shared/bcpLanguageTagChecker/subtags.js'

const cwe = cwec.weaknesses
  .map((w) => [Number(w.id.slice(4)), w])
  .sort((a, b) => a[0] - b[0])
  .map(([, w]) => `${w.id}\t${w.name}\n`)
  .join('')
writeFileSync('../../catalog/cwe-4.17.tsv', cwe)

// One line per subtag: type, subtag (or range a..b), scope ("-" for none),
// then the registered prefixes, tab-separated. Grandfathered and redundant
// tags have no subtag in the library's table and are left out: vmc knows the
// grandfathered tags from RFC 5646 itself.
const lines = subtags.subtags
  .filter((s) => s.subtag !== '')
  .map((s) => [s.type, s.subtag, s.scope ?? '-', ...s.prefix].join('\t') + '\n')
writeFileSync('../../catalog/language-subtags.tsv', lines.join(''))
