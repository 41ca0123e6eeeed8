#!/usr/bin/env node
// Validate AsyncAPI documents with the official @asyncapi/parser.
//
// Usage: node validate.mjs [--json] <asyncapi.yaml> [more files...]
//
// Prints every diagnostic the parser reports (schema validation + the
// parser's built-in Spectral ruleset) as
//   <file>:<line>:<col> <severity> <code> <message> [at <json path>]
// Exit status: 0 = no error-severity diagnostic in any file,
//              1 = at least one error-severity diagnostic (or the document
//                  could not be parsed at all),
//              2 = usage error / file not readable.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import parserPkg from '@asyncapi/parser';

const { Parser, fromFile, DiagnosticSeverity } = parserPkg;

const SEVERITY_NAMES = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

function usage(message) {
  if (message) console.error(`asyncapi-validate: ${message}`);
  console.error('usage: node validate.mjs [--json] <asyncapi.yaml> [more files...]');
  process.exit(2);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const files = args.filter((a) => a !== '--json');
if (args.includes('-h') || args.includes('--help')) usage();
if (files.length === 0) usage('no document given');

const parser = new Parser();
let failed = false;
const report = [];

for (const file of files) {
  const absolute = path.resolve(file);
  try {
    await readFile(absolute); // fail fast with a clear message on a missing file
  } catch (err) {
    usage(`cannot read ${file}: ${err.message}`);
  }

  const { document, diagnostics } = await fromFile(parser, absolute).parse();
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  const fileFailed = errors.length > 0 || document === undefined;
  failed ||= fileFailed;

  const items = diagnostics.map((d) => ({
    severity: SEVERITY_NAMES[d.severity] ?? String(d.severity),
    code: String(d.code),
    message: d.message,
    path: (d.path ?? []).join('.'),
    line: (d.range?.start?.line ?? 0) + 1,
    column: (d.range?.start?.character ?? 0) + 1,
  }));
  report.push({
    file,
    valid: !fileFailed,
    asyncapi: document ? document.version() : null,
    errors: errors.length,
    diagnostics: items,
  });

  if (!json) {
    for (const d of items) {
      const where = d.path ? ` [at ${d.path}]` : '';
      console.log(`${file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}${where}`);
    }
    const counts = Object.values(SEVERITY_NAMES)
      .map((name) => `${items.filter((d) => d.severity === name).length} ${name}`)
      .join(', ');
    if (fileFailed) {
      console.log(`${file}: INVALID (${counts})`);
    } else {
      console.log(`${file}: valid AsyncAPI ${document.version()} (${counts})`);
    }
  }
}

if (json) console.log(JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);
