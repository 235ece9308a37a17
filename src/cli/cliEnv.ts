import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelPolicyOptions } from '../core/model/modelPolicy';
import type { CliSettings } from './workspaceSettings';

/**
 * What a CLI command runs with, and where it keeps things: light on purpose (no runner, model
 * client or parser), so that a command that only reads, such as `list`, loads none of them.
 */

export interface CliEnv {
  /** The command runs the agent (run, resume, approve...): only then are the runner and the model client loaded. */
  runs?: boolean;
  /** The command only reads (list, show, diff, outline, compacted): while another process (the editor) holds the store, it reads a point-in-time copy. */
  readsOnly?: boolean;
  /** Watch the workspace for what commands change, and outline changed symbols (run/resume only). */
  codeAware?: boolean;
  workspace: string;
  /** The store directory; default: per workspace under the user's data directory. */
  store?: string;
  baseUrl?: string;
  apiKey?: string;
  checkCommand?: string;
  /** The check command's time limit in seconds (default 300). */
  checkTimeoutSeconds?: number;
  /** Long-term memory (workspace scope in the store, user scope under the data directory). */
  memory?: boolean;
  /** Run the check command after every step that changes files and journal the findings' delta. */
  diagnoseSteps?: boolean;
  modelPolicy?: ModelPolicyOptions;
  /** Abandon and retry a model answer silent this long (AnthropicClientOptions.streamIdleMs). */
  streamIdleMs?: number;
  /** RunnerDeps.maxContinuations. */
  maxContinuations?: number;
  /** What a run takes from the workspace's settings (see cliSettings): approvals, compaction, the capture's ignored paths and size limit, the secret variables' names. */
  settings?: Pick<CliSettings, 'policy' | 'context' | 'maxFileBytes' | 'ignore'> & Partial<Pick<CliSettings, 'secretEnvNames'>>;
}

/** Where the CLI keeps a workspace's sessions when --store is not given. */
export function defaultStoreDir(workspace: string): string {
  const id = createHash('sha256').update(resolve(workspace)).digest('hex').slice(0, 16);
  return join(dataDir(), 'workspaces', id);
}

/** Where the user-scope memory lives (shared by every workspace). */
export function userMemoryDir(): string {
  return join(dataDir(), 'user-memory');
}

/** Savepoint's folder in the user's data directory (XDG_DATA_HOME, else ~/.local/share). */
const dataDir = (): string => join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'savepoint');
