import { allSessions } from '../core/store/allSessions';
import type { ListSessionsOptions, SessionId, SessionPage, SessionSummary } from '../core/store/types';
import { MIN_PREFIX, UsageError } from './cliArgs';
import { terminalLine } from './terminalText';
const SHOWN = 10;

interface Sessions {
  getSession(id: SessionId): Promise<SessionSummary | undefined>;
  listSessions(o: ListSessionsOptions): Promise<SessionPage>;
}

/**
 * The session a command names: the whole id, or the start of one (at least `MIN_PREFIX` characters,
 * any case) that only one session's id begins with, as `git` takes a commit. Several sessions
 * beginning so are a UsageError that lists them; none leaves the argument as it was, for the command
 * to say there is no such session.
 */
export async function resolveSessionArg(store: Sessions, arg: string): Promise<SessionId> {
  if (await store.getSession(arg as SessionId)) return arg as SessionId;
  if (arg.length < MIN_PREFIX) return arg as SessionId;
  const start = arg.toUpperCase();
  const matches = (await allSessions((o) => store.listSessions(o))).filter((s) => s.id.toUpperCase().startsWith(start));
  if (matches.length === 1) return (matches[0] as SessionSummary).id;
  if (matches.length === 0) return arg as SessionId;
  const shown = matches.slice(0, SHOWN).map((s) => `  ${s.id}  ${terminalLine(s.title)}`);
  const more = matches.length > SHOWN ? [`  ... and ${matches.length - SHOWN} more`] : [];
  throw new UsageError(`"${arg}" is the start of ${matches.length} sessions' ids; give more of it (nothing was done):\n${[...shown, ...more].join('\n')}`);
}
