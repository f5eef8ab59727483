// Validates CSAF documents with BSI's csaf-validator-lib, for
// ../../bsi_test.go to compare with vmc's validator. It reads file names,
// one per line, from standard input and writes one JSON array to standard
// output: per file its name, and either the library's result (isValid and,
// per test, its name, isValid, errors and warnings) or why the file could
// not be validated. Informative tests are not run: some fetch URLs.
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as schemaTests from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import * as optionalTests from '@secvisogram/csaf-validator-lib/optionalTests.js'

const tests = [
  ...Object.values(schemaTests),
  ...Object.values(mandatoryTests),
  ...Object.values(optionalTests),
]
const brief = (list) =>
  list.map((e) => ({ instancePath: e.instancePath, message: e.message }))

const files = readFileSync(0, 'utf8').split('\n').filter((f) => f !== '')
const out = []
for (const file of files) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    out.push({ file, parseError: String(e) })
    continue
  }
  try {
    const r = await validateStrict(tests, doc)
    out.push({
      file,
      isValid: r.isValid,
      tests: r.tests.map((t) => ({
        name: t.name,
        isValid: t.isValid,
        errors: brief(t.errors),
        warnings: brief(t.warnings),
      })),
    })
  } catch (e) {
    // Some tests throw on documents far from the schema.
    out.push({ file, error: String(e && e.stack ? e.stack : e) })
  }
}
process.stdout.write(JSON.stringify(out))
