import { shownTitle } from './notificationText';

/** Between the title and the id in a session document's name. */
const SEP = ' · ';

/**
 * The path of a session's read-only document (`savepoint-session:` + this). The editor's tab shows its
 * last segment: the session's title (one line, cut, no slash that would add a segment), then its id,
 * which `sessionIdOfDocPath` reads back. Without a title: the id alone.
 */
export function sessionDocPath(id: string, title?: string): string {
  const shown = title?.trim() ? shownTitle(title, 60).replace(/\//g, '∕').replace(/\\/g, '∖') : '';
  return `/${shown ? `${shown}${SEP}` : ''}${id}.log`;
}

/** The session a document's path names (also a path of the id alone, as documents were named before). */
export function sessionIdOfDocPath(path: string): string {
  const name = path.replace(/^\//, '').replace(/\.log$/, '');
  const at = name.lastIndexOf(SEP);
  return at < 0 ? name : name.slice(at + SEP.length);
}
