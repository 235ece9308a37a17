import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a process Savepoint runs alone (the CLI; never the editor's extension host, which
 * other extensions share), set before its bundle is compiled. Without them V8 gives a function its
 * feedback (what its property accesses and calls met, which later calls then go straight to) only
 * after some calls, and a rewind runs most of its code a few times per file, cold. With feedback
 * from the first call, a W1 rewind in a fresh process took ~7 ms less (53.8 against 61.2 ms, medians
 * of 14 alternating runs; CPU 57 against 67 ms). Not for every command: code that runs once pays for
 * feedback it never uses (`list` took ~8 ms more, 243 against 235). A code cache made under other
 * settings is refused by V8: a tuned process keeps its own (`loadWithCodeCache`'s name).
 */
export function tuneOwnProcess(): void {
  setFlagsFromString('--no-lazy-feedback-allocation');
}

/** The CLI commands `tuneOwnProcess` is for: a rewind and its undo (preview and apply). */
export const TUNED_COMMANDS: ReadonlySet<string> = new Set(['rewind', 'undo-rewind']);
