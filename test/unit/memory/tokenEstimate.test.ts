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
});
