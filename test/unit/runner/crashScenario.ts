import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

/** The workspace the crash-resume scenario starts from: four files with markers the edits replace. */
export function crashFixtureFiles(turns: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < 4; f++) {
    const lines = [`// file ${f}`];
    for (let i = 0; i < turns; i++) if (i % 4 === f) lines.push(`export const v${i} = 'marker-${i}';`);
    files[`src/f${f}.ts`] = `${lines.join('\n')}\n`;
  }
  files['notes/remove-me.txt'] = 'temporary\n';
  return files;
}

type Call = { id: string; name: string; input: Record<string, unknown> };

function callsOf(i: number): Call[] {
  const id = (k: string) => `toolu_${String(i).padStart(2, '0')}_${k}`;
  switch (i % 6) {
    case 0:
      return [{ id: id('cmd'), name: 'run_command', input: { command: `echo cmd-${i} >> cmd.log` } }];
    case 1:
      return [{ id: id('edit'), name: 'edit_file', input: { path: `src/f${i % 4}.ts`, old_text: `'marker-${i}'`, new_text: `'changed-${i}'` } }];
    case 2:
      return [{ id: id('write'), name: 'write_file', input: { path: `gen/out-${i}.txt`, content: `generated at turn ${i}\n`.repeat(3) } }];
    case 3:
      return [
        { id: id('read'), name: 'read_file', input: { path: `src/f${i % 4}.ts` } },
        { id: id('edit'), name: 'edit_file', input: { path: `src/f${i % 4}.ts`, old_text: `'marker-${i}'`, new_text: `'changed-${i}'` } },
      ];
    case 4:
      return [{ id: id('list'), name: 'list_files', input: { dir: '.', recursive: true } }];
    default:
      return i === 5
        ? [{ id: id('del'), name: 'delete_file', input: { path: 'notes/remove-me.txt' } }]
        : [{ id: id('search'), name: 'search_text', input: { pattern: 'changed-' } }];
  }
}

/**
 * A scripted session of `turns` model turns (edits, writes, a delete, commands, reads, two calls in
 * one turn), each turn checking that the previous turn's results arrived, then a final answer.
 */
export function crashScenario(turns: number): StepInput[] {
  const steps: StepInput[] = [];
  let previous: Call[] = [];
  for (let i = 0; i < turns; i++) {
    const calls = callsOf(i);
    steps.push({
      type: 'message',
      content: [{ type: 'text', text: `Turn ${i}: ${calls.map((c) => c.name).join(' + ')}.` }, ...calls.map((c) => ({ type: 'tool_use' as const, ...c }))],
      ...(previous[0] ? { expect: { toolResultFor: previous[previous.length - 1]?.id ?? '' } } : {}),
    });
    previous = calls;
  }
  steps.push({ type: 'message', content: [{ type: 'text', text: 'All done.' }], expect: { toolResultFor: previous[previous.length - 1]?.id ?? '' } });
  return steps;
}

/** A temporary run of the crash fixture: workspace, store and log folders, and the model server playing `steps`. */
export interface RunDir {
  root: string;
  ws: string;
  store: string;
  logs: string;
  server: ScriptedModelServer;
}

export async function prepareRun(prefix: string, turns: number, steps: StepInput[]): Promise<RunDir> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const ws = join(root, 'ws');
  for (const [p, text] of Object.entries(crashFixtureFiles(turns))) {
    await mkdir(dirname(join(ws, p)), { recursive: true });
    await writeFile(join(ws, p), text);
  }
  await mkdir(join(root, 'logs'));
  return { root, ws, store: join(root, 'store'), logs: join(root, 'logs'), server: await ScriptedModelServer.start(steps) };
}
