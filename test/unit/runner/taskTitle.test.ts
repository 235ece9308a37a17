import assert from 'node:assert/strict';
import { finalText, harnessPerTest, ScriptedGate } from './runnerHarness';

/** The text of the first user message of a recorded request. */
function firstUserText(body: unknown): string {
  const content = (body as { messages: { role: string; content: string | { type: string; text?: string }[] }[] }).messages[0]?.content;
  return typeof content === 'string' ? content : (content ?? []).map((b) => b.text ?? '').join('');
}

/**
 * A session's title is what lists, notifications and the sidebar name it by. A task of several
 * lines (written in an editor, or piped to the CLI) gave a title with its line breaks in it, cut at
 * 80 characters wherever that fell: "Migrate the parser⏎⏎1. Move …" in every list. The title is the
 * task's first line with text now; the model still gets the whole task.
 */
describe('the title of a session started with a task of several lines', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('is the first line with text, and the model gets every line', async () => {
    const task = '\n  Migrate the parser to the new tokenizer  \n\n1. Move src/lex.ts to src/tokens/.\n2. Keep the old exports.\n';
    const h = await harness([finalText('Done.')]);
    const runner = h.runner(new ScriptedGate());
    const id = await h.start(runner, task);
    assert.equal((await h.store.getSession(id))?.title, 'Migrate the parser to the new tokenizer');
    await runner.run(id);
    assert.equal(firstUserText(h.server.requests()[0]?.body), task);
  });

  it('a first line over 80 characters is cut at a character, not inside one, and ends with "..."', async () => {
    const line = `${'é'.repeat(40)}${'😀'.repeat(60)}`;
    const h = await harness([]);
    const id = await h.start(h.runner(new ScriptedGate()), `${line}\nmore`);
    const title = (await h.store.getSession(id))?.title ?? '';
    assert.equal([...title].length, 80);
    assert.ok(title.endsWith('...'));
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(title), 'no half of a surrogate pair');
    assert.equal(title, `${[...line].slice(0, 77).join('')}...`);
  });
});
