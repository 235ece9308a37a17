/**
 * The webview's side of the sequenced protocol: a bootstrap sets the seq; every later message must
 * carry the next one. A message before any bootstrap is ignored; a gap means something was lost,
 * and the page must ask for a fresh snapshot (until it arrives, everything is ignored).
 */
export class SeqTracker {
  private seq = -1;

  bootstrap(seq: number): void {
    this.seq = seq;
  }

  /** 'apply' the message, 'ignore' it (no snapshot yet), or 'resync' (a gap: send `ready`). */
  accept(next: number): 'apply' | 'ignore' | 'resync' {
    if (this.seq < 0) return 'ignore';
    if (next !== this.seq + 1) {
      this.seq = -1;
      return 'resync';
    }
    this.seq = next;
    return 'apply';
  }
}
