import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merge3 } from '../../../src/core/checkpoints/merge3';

const BASE = [
  'export function alpha() {',
  '  return 1;',
  '}',
  '',
  'export function beta() {',
  '  return 2;',
  '}',
  '',
  'export function gamma() {',
  '  return 3;',
  '}',
  '',
].join('\n');

describe('merge3 (line-based three-way merge)', () => {
  it('an external edit to another function merges cleanly with the session edit', () => {
    const ours = BASE.replace('return 1;', 'return 10;');
    const theirs = BASE.replace('return 3;', 'return 30; // user');
    const r = merge3(BASE, ours, theirs);
    assert.equal(r.clean, true);
    assert.equal(r.text, BASE.replace('return 1;', 'return 10;').replace('return 3;', 'return 30; // user'));
  });

  it('edits to the same lines conflict, with both versions and markers', () => {
    const ours = BASE.replace('return 2;', 'return 20;');
    const theirs = BASE.replace('return 2;', 'return 22;');
    const r = merge3(BASE, ours, theirs);
    assert.equal(r.clean, false);
    if (r.clean) return;
    assert.equal(r.conflicts.length, 1);
    assert.deepEqual(
      { base: r.conflicts[0]?.base, ours: r.conflicts[0]?.ours, theirs: r.conflicts[0]?.theirs, at: r.conflicts[0]?.baseStart },
      { base: '  return 2;\n', ours: '  return 20;\n', theirs: '  return 22;\n', at: 5 },
    );
    assert.match(r.text, /<<<<<<< session\n {2}return 20;\n\|\|\|\|\|\|\| base\n {2}return 2;\n=======\n {2}return 22;\n>>>>>>> disk\n/);
    assert.ok(r.text.startsWith('export function alpha() {\n  return 1;\n'));
  });

  it('the same change on both sides is taken once', () => {
    const both = BASE.replace('return 2;', 'return 20;');
    assert.deepEqual(merge3(BASE, both, both), { clean: true, text: both });
  });

  it('one side unchanged gives the other side; additions at both ends and deletions combine', () => {
    const ours = `// header\n${BASE}`;
    const theirs = BASE.replace('export function gamma() {\n  return 3;\n}\n', '') + 'export const tail = 1;\n';
    assert.deepEqual(merge3(BASE, ours, BASE), { clean: true, text: ours });
    assert.deepEqual(merge3(BASE, BASE, theirs), { clean: true, text: theirs });
    const r = merge3(BASE, ours, theirs);
    assert.deepEqual(r, { clean: true, text: `// header\n${theirs}` });
  });

  it('insertions at the same place with different text conflict', () => {
    const ours = BASE.replace('}\n\nexport function beta', '}\n// ours\n\nexport function beta');
    const theirs = BASE.replace('}\n\nexport function beta', '}\n// theirs\n\nexport function beta');
    const r = merge3(BASE, ours, theirs);
    assert.equal(r.clean, false);
  });

  it('keeps a missing final newline and CRLF lines byte-exact', () => {
    const base = 'a\r\nb\r\nc';
    assert.deepEqual(merge3(base, 'A\r\nb\r\nc', 'a\r\nb\r\nC'), { clean: true, text: 'A\r\nb\r\nC' });
    assert.deepEqual(merge3('', 'x\n', ''), { clean: true, text: 'x\n' });
  });

  it('on random edits: one-sided and identical changes always merge to that side; disjoint edits keep both', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const mutate = (lines: string[], tag: string, from: number, to: number) => {
      const out = [...lines];
      const at = from + rnd(Math.max(1, to - from));
      const op = rnd(3);
      if (op === 0) out.splice(at, 1);
      else if (op === 1) out.splice(at, 0, `${tag} inserted\n`);
      else out.splice(at, 1, `${tag} replaced\n`);
      return out;
    };
    for (let i = 0; i < 200; i++) {
      const base = Array.from({ length: 20 }, (_, k) => `line ${k}\n`);
      const ours = mutate(base, 'ours', 0, 8);
      const theirs = mutate(base, 'theirs', 12, 20);
      const [b, o, t] = [base.join(''), ours.join(''), theirs.join('')];
      assert.deepEqual(merge3(b, o, b), { clean: true, text: o });
      assert.deepEqual(merge3(b, b, t), { clean: true, text: t });
      assert.deepEqual(merge3(b, o, o), { clean: true, text: o });
      const m = merge3(b, o, t);
      assert.equal(m.clean, true);
      // Both edits are in the result: it equals theirs' edit applied to ours.
      const expected = [...ours.slice(0, ours.length - (base.length - 12)), ...theirs.slice(12)].join('');
      assert.equal(m.text, expected);
    }
  });

  it('a change inside a run of equal lines is never merged by guessing which line it was: the session deletes a blank line, the user changes another', () => {
    // The diff may call the user's change "insert X, delete a blank" and the session's "delete a blank":
    // the same deletion on both sides on paper, and the session's deletion was silently lost.
    assert.equal(merge3('a\n\n\n\nb\n', 'a\n\n\nb\n', 'a\n\nX\n\nb\n').clean, false);
    const seven = 'l0\n'.repeat(7);
    assert.equal(merge3(seven, 'l0\n'.repeat(6), `y1\n${'l0\n'.repeat(6)}`).clean, false);
    // A move the diff reads as "delete s5, replace a blank by s5", against the user's deletion of s5:
    // the session's s5 must not come back unasked.
    const base = 's7\n\n\ns7\ns5\n\n\ns1\ns5\n}\n';
    assert.equal(merge3(base, 's7\n\n\ns7\n\ns5\ns1\ns5\n}\n', 's7\n\n\ns7\n\n\ns1\nc1\nc3\n').clean, false);
  });

  it('changes to adjacent lines are one region (as git has it); one line between them keeps them apart', () => {
    const lines = Array.from({ length: 9 }, (_, k) => `line ${k}\n`);
    const edit = (k: number, tag: string) => lines.map((l, i) => (i === k ? `${tag}\n` : l)).join('');
    assert.equal(merge3(lines.join(''), edit(3, 'ours'), edit(4, 'theirs')).clean, false);
    assert.deepEqual(merge3(lines.join(''), edit(3, 'ours'), edit(5, 'theirs')), { clean: true, text: lines.map((l, i) => (i === 3 ? 'ours\n' : i === 5 ? 'theirs\n' : l)).join('') });
  });

  it('on code-like files with repeated lines (blanks, closing braces), every clean merge is the one git merge-file makes', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'savepoint-merge3-'));
    try {
      let seed = 11;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const line = () => {
        const r = rnd(10);
        return r < 2 ? '\n' : r < 4 ? '}\n' : `stmt${rnd(60)};\n`;
      };
      const mutate = (l: string[]) => {
        const o = [...l];
        const at = rnd(o.length);
        const op = rnd(3);
        if (op === 0) o.splice(at, 1 + rnd(2));
        else if (op === 1) o.splice(at, 0, `new${rnd(9)};\n`);
        else o[at] = `changed${rnd(9)};\n`;
        return o;
      };
      let clean = 0;
      for (let n = 0; n < 300; n++) {
        const base = Array.from({ length: 24 }, line);
        const [b, o, t] = [base, mutate(base), mutate(base)].map((x) => x.join('')) as [string, string, string];
        const m = merge3(b, o, t);
        if (!m.clean) continue;
        clean++;
        writeFileSync(join(dir, 'base'), b);
        writeFileSync(join(dir, 'ours'), o);
        writeFileSync(join(dir, 'theirs'), t);
        let git: string;
        try {
          git = execFileSync('git', ['merge-file', '-p', join(dir, 'ours'), join(dir, 'base'), join(dir, 'theirs')], { encoding: 'utf8' });
        } catch {
          assert.fail(`merge3 merged cleanly where git sees a conflict:\n${JSON.stringify({ b, o, t })}`);
        }
        assert.equal(m.text, git, JSON.stringify({ b, o, t }));
      }
      assert.ok(clean > 200, `only ${clean} of 300 merged cleanly`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
