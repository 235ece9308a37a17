import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Rng, deriveSeed, intIn, makeRng, pick, sample } from './random';

/**
 * The W1 fixture workspace: F TypeScript files of exactly 200 lines (~5.9 KB), 100 per folder,
 * `src/m000/f00000.ts` ..., plus package.json and tsconfig.json. A file's text depends only on
 * (seed, index), so the generator can rebuild any original without reading the disk.
 */
export const LINES_PER_FILE = 200;
export const FILES_PER_FOLDER = 100;
export const HOT_FILE_COUNT = 20;
const HEADER_LINES = 18;
const FUNCTION_LINES = 13;
const FUNCTIONS = (LINES_PER_FILE - HEADER_LINES) / (FUNCTION_LINES + 1);

const VERBS = ['parse', 'merge', 'resolve', 'index', 'render', 'collect', 'validate', 'normalize', 'score', 'flush'];
const NOUNS = ['token', 'range', 'entry', 'buffer', 'record', 'symbol', 'node', 'chunk', 'span', 'batch'];
const TYPES = ['number', 'string', 'boolean', 'bigint'];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function relPath(index: number): string {
  return `src/m${pad(Math.floor(index / FILES_PER_FOLDER), 3)}/f${pad(index, 5)}.ts`;
}

/** The 20 hot files (indices), chosen by the seed. */
export function hotFiles(seed: number, fileCount: number): number[] {
  return sample(makeRng(deriveSeed(seed, 0x407)), fileCount, HOT_FILE_COUNT);
}

function headerLines(seed: number, index: number, rng: Rng): string[] {
  const out = ['/**', ` * ${relPath(index)}: Savepoint W1 fixture (seed ${seed}).`, ' *'];
  for (let i = 0; i < 10; i++) out.push(` * ${pick(rng, VERBS)}s the ${pick(rng, NOUNS)} table (${intIn(rng, 0, 9999)}).`);
  out.push(' */');
  const dep = (k: number) => relPath((index + k * 37) % 2000).replace(/^src\//, '../').replace(/\.ts$/, '');
  out.push(`import { fn_${pick(rng, VERBS)} } from '${dep(1)}';`);
  out.push(`import { fn_${pick(rng, VERBS)} } from '${dep(2)}';`);
  out.push(`import type { Rec${intIn(rng, 0, 999)} } from '${dep(3)}';`);
  out.push(`export type Rec${index} = Record<string, ${pick(rng, TYPES)}>;`);
  return out;
}

function functionLines(index: number, k: number, rng: Rng): string[] {
  const name = `${pick(rng, VERBS)}${pick(rng, NOUNS).replace(/^./, (c) => c.toUpperCase())}${index}_${k}`;
  const a = intIn(rng, 2, 97);
  const b = intIn(rng, 100, 9999);
  return [
    `export function ${name}(input: Rec${index}, limit: number): number {`,
    `  let total = ${intIn(rng, 0, 500)};`,
    '  for (const [key, v] of Object.entries(input)) {',
    `    if (Number(v) > limit * ${a}) {`,
    `      total += Number(v) * ${a} - key.length;`,
    '    } else {',
    `      total -= (Number(v) % ${b}) + ${intIn(rng, 1, 99)};`,
    '    }',
    '  }',
    `  const scaled = Math.round(total / ${intIn(rng, 2, 64)});`,
    `  // ${pick(rng, VERBS)} the ${pick(rng, NOUNS)} within the budget`,
    `  return scaled > ${b} ? ${b} : scaled;`,
    '}',
  ];
}

/** The original 200 lines of file `index`. */
export function originalLines(seed: number, index: number): string[] {
  const rng = makeRng(deriveSeed(seed, 0xf11e, index));
  const lines = headerLines(seed, index, rng);
  for (let k = 0; k < FUNCTIONS; k++) lines.push('', ...functionLines(index, k, rng));
  if (lines.length !== LINES_PER_FILE) throw new Error(`fixture file has ${lines.length} lines`);
  return lines;
}

export function joinLines(lines: readonly string[]): string {
  return lines.join('\n') + '\n';
}

/** Three new lines for an edit (what the model's edit_file writes). */
export function replacementLines(rng: Rng, step: number): string[] {
  const v = `${pick(rng, NOUNS)}${step}`;
  return [
    `  const ${v} = ${pick(rng, VERBS)}(input, ${intIn(rng, 1, 9999)}); // step ${step}`,
    `  if (${v} > limit) total += ${v} % ${intIn(rng, 2, 997)};`,
    `  else total -= Math.min(${v}, ${intIn(rng, 1, 99)});`,
  ];
}

export interface WorkspaceInfo {
  root: string;
  files: number;
  bytes: number;
}

/** Writes the whole workspace (no git repository: see the README). */
export async function writeWorkspace(root: string, seed: number, files: number): Promise<WorkspaceInfo> {
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'w1-fixture', private: true, version: '0.0.0' }, null, 2) + '\n');
  await writeFile(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', noEmit: true }, include: ['src'] }, null, 2) + '\n',
  );
  let bytes = 0;
  for (let folder = 0; folder * FILES_PER_FOLDER < files; folder++) {
    const first = folder * FILES_PER_FOLDER;
    await mkdir(join(root, relPath(first), '..'), { recursive: true });
    const writes: Promise<void>[] = [];
    for (let i = first; i < Math.min(files, first + FILES_PER_FOLDER); i++) {
      const text = joinLines(originalLines(seed, i));
      bytes += Buffer.byteLength(text);
      writes.push(writeFile(join(root, relPath(i)), text));
    }
    await Promise.all(writes);
  }
  return { root, files, bytes };
}
