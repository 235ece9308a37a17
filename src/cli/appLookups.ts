import type { Outliner } from '../core/runner/stepEffects';
import { StoreError } from '../core/store/errors';
import type { SessionId } from '../core/store/types';
import type { Composed } from './compose';

/** `id`, once it is known to be a session of the store (exit 1 otherwise, as `show` says it). */
export async function existing(app: Composed, id: SessionId): Promise<SessionId> {
  if (!(await app.store.getSession(id))) throw new StoreError('SESSION_NOT_FOUND', `no session ${id} in this workspace`);
  return id;
}

/** The outliner for a preview's symbol lines, once it has loaded (undefined when the CLI is not code-aware or it failed to load). */
export async function symbolsOf(app: Composed): Promise<Outliner | undefined> {
  await app.outliner?.ready?.();
  return app.outliner;
}
