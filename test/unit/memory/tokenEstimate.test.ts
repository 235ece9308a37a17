import assert from 'node:assert/strict';
import { estimateTokens, selectEntries } from '../../../src/core/memory/promptSelection';
import type { MemoryEntry, MemoryId } from '../../../src/core/memory/memoryTypes';
import type { SessionId } from '../../../src/core/store/types';

const by = { sessionId: 's' as SessionId, seq: 1 };
const entry = (id: string, text: string): MemoryEntry => ({ id: id as MemoryId, kind: 'fact', scope: 'workspace', text, tags: [], pinned: true, version: 1, createdAt: 1, updatedAt: 1, createdBy: by, provenance: by });

describe('memory token estimate by character class', () => {
  it('English and code stay at about four characters a token', () => {
    assert.equal(estimateTokens('abcd'.repeat(100)), 100);
    assert.equal(estimateTokens(''), 0);
  });

  it('CJK counts about one token a character, not a quarter', () => {
    const zh = '这个项目使用严格的类型检查和单元测试'.repeat(10); // 180 characters
    assert.ok(estimateTokens(zh) >= 180, `${estimateTokens(zh)} for ${zh.length} CJK characters`);
    assert.ok(estimateTokens('これはテストです。') >= 9);
    assert.ok(estimateTokens('한국어 문장입니다') >= 8);
  });

  it('Cyrillic counts more than Latin (about two characters a token)', () => {
    const ru = 'Проект использует строгую проверку типов'; // 40 characters
    assert.ok(estimateTokens(ru) >= 18, String(estimateTokens(ru)));
  });

  it('an emoji counts at least one token, however many UTF-16 units it takes', () => {
    assert.ok(estimateTokens('🚀🚀🚀🚀🚀🚀🚀🚀') >= 8, String(estimateTokens('🚀🚀🚀🚀🚀🚀🚀🚀')));
    assert.ok(estimateTokens('👩‍💻'.repeat(4)) >= 4);
  });

  it('the prompt budget holds for CJK memories: fewer of them fit than the characters/4 count allowed', () => {
    const cjk = Array.from({ length: 10 }, (_, i) => entry(`01J${String(i).padStart(23, '0')}`, '数据库迁移必须先备份再执行'.repeat(8)));
    const s = selectEntries(cjk, [], 300);
    // Each line is about 104 CJK characters: about 100+ tokens, so at most two fit in 300.
    assert.ok(s.entries.length <= 2, `${s.entries.length} CJK memories chosen for a 300-token budget`);
    assert.ok(s.tokens <= 300);
  });

  it('combining marks, joiners and variation selectors are not free: a memory made of them cannot slip past the budget', () => {
    // Each is a code point of two or three UTF-8 bytes the model reads; counted as nothing, 4,000 of them cost 0 or 1 "token".
    for (const c of ['\u0301', '\u200d', '\ufe0f', '\u093f']) {
      const text = `a${c.repeat(3000)}`;
      assert.ok(estimateTokens(text) >= 1500, `${estimateTokens(text)} tokens for 3,000 × U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}`);
    }
    // Hindi: its vowel signs are combining marks, half of every word.
    assert.ok(estimateTokens('हिन्दी') >= 3, String(estimateTokens('हिन्दी')));
    const marks = Array.from({ length: 5 }, (_, i) => entry(`01K${String(i).padStart(23, '0')}`, `x${'\u0301'.repeat(3990)}`));
    const s = selectEntries(marks, [], 1500);
    assert.deepEqual(s.entries, [], `${s.entries.length} memories of 3,990 combining marks each chosen for a 1,500-token budget`);
  });
});
