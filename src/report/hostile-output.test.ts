/**
 * Values from payloads and file names are data in every format: no terminal escape sequence,
 * no CI runner command at the start of a line, no HTML or Markdown markup in a job summary,
 * no broken XML. The result is built here by hand, as a hostile payload would shape it.
 */
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escData, escProp } from '../action/commands.js';
import { neutraliseRunnerCommands, oneLine } from '../model/text.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

const HOSTILE_MESSAGE = "The code 'x\n::error::injected' is not in the value set \x1b]0;title\x07\x1b[2J \u202Eevil <img src=x onerror=alert(1)> [link](https://evil.example) ![i](https://evil.example/i.png) `code` | pipe";
const HOSTILE_FILE = '::warning::file\r\n::error title=x::y.json';

function hostileResult(): RunResult {
  return {
    tool: { name: 'bars-toolkit', version: '0.0.0' },
    summary: { files: 1, valid: 0, errors: 1, warnings: 0, information: 0, durationMs: 1 },
    results: [
      {
        file: HOSTILE_FILE,
        resourceType: 'Patient',
        profiles: ['http://example.org/\x1b[31mred'],
        valid: false,
        issues: [
          {
            severity: 'error',
            code: 'code-invalid',
            message: HOSTILE_MESSAGE,
            expression: 'Patient.gender`)<b>',
            line: 1,
            column: 1,
            ruleId: 'binding-required',
            source: null,
          },
        ],
      },
    ],
  };
}

const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E]/;

describe('data from payloads and file names in the report formats', () => {
  it('text: one line per value, control characters visible, no line starts with a runner command', () => {
    const out = renderText(hostileResult(), { color: false });
    expect(out).not.toMatch(CONTROL);
    for (const line of out.split('\n')) expect(line, line).not.toMatch(/^\s*::/);
    expect(out).toContain("'x\\n::error::injected'");
    expect(out).toContain('\\x1B]0;title\\x07\\x1B[2J');
    expect(out).toContain('\\u202Eevil');
  });

  it('text with colours: only the toolkit\'s own escape sequences reach the terminal', () => {
    const out = renderText(hostileResult(), { color: true });
    const escapes = out.match(/\x1b\[[0-9;]*m/g) ?? [];
    expect(escapes.length).toBeGreaterThan(0);
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(CONTROL);
  });

  it('GitHub annotations: data cannot end the command or start another', () => {
    const line = `::error file=${escProp(HOSTILE_FILE)}::${escData(HOSTILE_MESSAGE)}`;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).not.toMatch(/[\r\n\x1b\x07]/);
    expect(escData('100%')).toBe('100%25');
  });

  it('neutraliseRunnerCommands and oneLine', () => {
    expect(neutraliseRunnerCommands('ok\n  ::error::x\n##[error]y\n##vso[task.setvariable]z\nnot :: here')).toBe('ok\n  :\u200B:error::x\n#\u200B#[error]y\n#\u200B#vso[task.setvariable]z\nnot :: here');
    expect(oneLine('a\r\nb\tc\x00\x9b')).toBe('a\\r\\nb\tc\\x00\\u009B');
  });

  it('markdown: HTML and Markdown syntax from data are shown as text, not rendered', () => {
    const md = renderMarkdown(hostileResult());
    expect(md).not.toMatch(CONTROL);
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).not.toMatch(/(^|[^\\])\[link\]\(/);
    expect(md).not.toMatch(/(^|[^\\])!\[i\]/);
    expect(md).not.toContain('<b>');
    // each issue row keeps its four columns: pipes and backticks in data are escaped
    const row = md.split('\n').find((l) => l.startsWith('| ❌'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
    for (const line of md.split('\n')) expect(line).not.toMatch(/^\s*::/);
  });

  it('HTML escapes markup and shows control characters; JUnit is well-formed XML; SARIF is JSON', () => {
    const html = renderHtml(hostileResult(), { sources: false });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(CONTROL);
    expect(XMLValidator.validate(renderJunit(hostileResult()))).toBe(true);
    const sarif = renderSarif(hostileResult(), { root: '/' });
    expect(JSON.parse(sarif).runs[0].results[0].message.text).toContain('::error::injected');
  });
});

describe('bars report: source excerpts of a result from elsewhere', () => {
  it('reads only files under the folder given, named by relative paths without ".."; never absolute paths or links out', async () => {
    const { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const base = mkdtempSync(join(tmpdir(), 'bars-report-src-'));
    const root = join(base, 'work');
    mkdirSync(join(root, 'ex'), { recursive: true });
    writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET-LINE\n');
    writeFileSync(join(root, 'ex', 'p.json'), '{\n  "resourceType": "Patient",\n  "nmae": []\n}\n');
    symlinkSync(join(base, 'secret.txt'), join(root, 'ex', 'link.json'));
    const issue = { severity: 'error' as const, code: 'structure' as const, message: 'm', expression: 'Patient.nmae', line: 1, column: 1, ruleId: 'unknown-element', source: null };
    const forged: RunResult = {
      tool: { name: 'bars-toolkit', version: '0' },
      summary: { files: 5, valid: 0, errors: 5, warnings: 0, information: 0, durationMs: 1 },
      results: ['ex/p.json', join(base, 'secret.txt'), 'ex/../../secret.txt', '../secret.txt', 'ex/link.json'].map((file) => ({
        file,
        resourceType: 'Patient',
        profiles: [],
        valid: false,
        issues: [issue],
      })),
    };
    const html = renderHtml(forged, { sourceRoot: root });
    expect(html).toContain('&quot;resourceType&quot;: &quot;Patient&quot;');
    expect(html).not.toContain('TOP-SECRET-LINE');
    // the same result rendered by the run that made it (no sourceRoot) reads what it names
    expect(renderHtml(forged)).toContain('TOP-SECRET-LINE');
  });
});
