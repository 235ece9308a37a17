import type { ContentBlock, Message } from '../model/types';
import { validateInput } from '../tools/registry';
import { type FileChange, type Tool, ToolError, type ToolOutput } from '../tools/tool';
import { WorkspaceError } from '../ports/workspace';
import { filePath } from '../util/filePath';
import type { BlobHash, BlobInput, EffectWrite } from '../store/types';
import { needsApproval, policyNow } from './approvalPolicy';
import { DEFAULT_MAX_FILE_BYTES, SEEN_BLOB_MAX, byRealPath, changeBlobs, editStagingTag, hashOrNull, toMutation, unifiedDiff } from './fileChanges';
import { callKey } from './loopDetector';
import { type FileVersions, type SymbolSnapshot, describeSideEffects, fromCapture, listEffects, symbolSnapshot, withSymbols } from './stepEffects';
import { type Interrupted, captureLabel, markedFor, recoverInterrupted, rerunQuestion, stopLeftovers } from './interruptedCommand';
import { composeEffects } from './composeEffects';
import { approvedFromDisk, mergeStale } from './pendingMerge';
import { type QueueWatch, captured, queueNotices } from './capturedRun';
import { type ApprovedDisk, type ShownChange, approvedAt, approvedDisk, conflictQuestion } from './conflictQuestion';
import { changedAfterEditNote, mergedNote } from './outsideChanges';
import { inFlightFiles, notMadeNote, notWrittenNote } from './inFlightEdits';
import { cutCallMessage } from './cutAnswer';
import { mergeWithLastSeen } from './lastSeenMerge';
import { type FileWrite, applyChanges } from './applyChanges';
import { kept, lateWrites, refusedOr } from './lateWrites';
import { diagnosticsForModel } from './stepDiagnostics';
import { fitToTurn } from './turnResults';
import { maskedOutput, plannedWithoutMarkers } from './secretResults';
import { type StepBase, StepChecks } from './stepChecks';
import { type ApprovalDecidedData, type PlannedMutation, type RunnerEvent, type SideEffect, type StepDiagnostics, type ToolResultData, approvalKind, question } from './runEvents';
import type { CallState } from './runState';
import type { RunnerDeps } from './runner';
import { RunnerError, type AppendExtras, type SessionJournal, hashBytes, hashMessage } from './sessionJournal';

type Commit = (j: SessionJournal, step: number, events: RunnerEvent[], extras?: AppendExtras) => Promise<void>;
/**
 * Moves one tool call forward by one journaled stage: planned (validated, approval asked when the policy says so), started (intent
 * record with the before/after hashes of every file it changes), result. A call found started without a result at resume was in
 * flight when the last process died; it is reconciled, never guessed: reads run again, file changes are compared by hash,
 * commands are never re-run without the user (one that only waited for its turn never ran: it runs).
 */
export class ToolCalls {
  private readonly checks: StepChecks;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly now: () => number,
    private readonly commit: Commit,
  ) {
    this.checks = StepChecks.of(deps, (j) => this.turnWatch(j, j.state.calls.find((c) => c.started && !c.result)?.id, true));
  }

  async advance(j: SessionJournal, call: CallState, startedHere: Set<string>, signal: AbortSignal): Promise<void> {
    if (call.cut && !call.planned) return this.finish(j, call, { content: cutCallMessage(j.state.maxTokens, call.windowFull === true), isError: true }, await j.toolUseInput(call.id));
    const tool = this.deps.tools.find((t) => t.name === call.name);
    if (!tool) return this.finish(j, call, { content: `There is no tool named "${call.name}". Available: ${this.deps.tools.map((t) => t.name).join(', ')}.`, isError: true }, null);
    if (!call.planned) return this.plan(j, call, tool, await j.toolUseInput(call.id), undefined, startedHere, signal);
    const latest = call.decision && call.decision.approvalId === call.approvalId ? call.decision : undefined;
    if (call.approvalId && !latest) throw new RunnerError('INVALID', `call ${call.id} waits for approval ${call.approvalId}`);
    if (latest && latest.decision !== 'approve' && latest.decision !== 'edit') return this.declined(j, call, latest, signal);
    // The input the user edited runs, whichever question they answered with it (the call, a command to run again, a conflict).
    if (latest?.decision === 'edit' && latest.input !== undefined && ['tool', 'command_rerun', 'conflict'].includes(approvalKind(latest.approvalId) ?? '')) return this.plan(j, call, tool, latest.input, approvalKind(latest.approvalId), startedHere, signal);
    if (!call.started) return this.start(j, call, tool, call.planned.input, await approvedDisk(this.deps.store, j, latest, ['approve', 'edit']), startedHere, signal);
    if (startedHere.has(call.id)) throw new RunnerError('INVALID', `call ${call.id} started in this process but has no result`);
    return this.reconcile(j, call, tool, latest, signal);
  }

  private async plan(j: SessionJournal, call: CallState, tool: Tool, raw: unknown, edited: string | undefined, startedHere: Set<string>, signal: AbortSignal): Promise<void> {
    const valid = validateInput(tool, raw);
    if (!valid.ok) return this.finish(j, call, { content: valid.message, isError: true }, raw);
    let changes: FileChange[] | undefined;
    try {
      changes = tool.plan ? await this.planChanges(tool, valid.value, new AbortController().signal) : undefined;
    } catch (e) {
      if (ToolError.is(e)) return this.finish(j, call, { content: e.message, isError: true }, valid.value);
      throw e;
    }
    // A call asked for before the user changed its files (queued behind a question, or after a crash): merged with their change, or asked about; so is its input as the user edited it (`edited`: the kind of question answered with Edit, which opens the model's version, not the merge shown), but not a conflict's, which the user resolved.
    const stale = changes && (edited === undefined || edited === 'tool') ? await mergeWithLastSeen(this.deps.store, j.id, changes) : undefined;
    changes = stale?.changes ?? changes;
    const mutations = changes?.map(toMutation);
    const planned: RunnerEvent = { type: 'tool_planned', data: { callId: call.id, name: tool.name, category: tool.category, input: valid.value, ...(mutations ? { mutations } : {}) } };
    const policy = edited !== undefined ? { ask: false, reasons: [] } : needsApproval(policyNow(this.deps.policy) ?? j.state.policy, tool, valid.value);
    // Writing over lines the user changed is theirs to allow, whatever the policy (and never a timeout's).
    const need = stale?.conflicts.length ? { ask: true, reasons: [...stale.conflicts, ...policy.reasons], always: true as const } : policy;
    // Nothing to wait for: the plan and the intent go in one batch, then the call runs.
    if (!need.ask) return this.begin(j, call, tool, valid.value, changes, startedHere, signal, [planned], stale?.note);
    const diff = changes ? unifiedDiff(changes) : undefined;
    const asked = question(j.headSeq + 1, { kind: 'tool', callId: call.id, name: tool.name, input: valid.value, reasons: need.reasons, requestedAt: this.now(), ...(diff ? { diff } : {}), ...(need.always ? { userOnly: true as const } : {}) });
    // The versions the approved change is made from and makes: a three-way merge needs them if the file changes while the user decides.
    await this.commit(j, j.state.turn, [planned, asked], changes ? { blobs: this.blobsOf(changes) } : undefined);
  }

  private async declined(j: SessionJournal, call: CallState, { decision, text, timedOut }: ApprovalDecidedData, signal: AbortSignal): Promise<void> {
    const kind = approvalKind(call.approvalId);
    const input = call.planned?.input ?? null;
    // What a command cut off by a crash had changed stays the step's, whatever the answer: a rewind can take it back.
    const had = kind === 'command_rerun' && call.interrupted?.length ? call.interrupted : undefined;
    const changed = had ? `\n[files changed since the interrupted run began: ${listEffects(had, 30)}]` : '';
    // Its findings are the step's too, against the last step's (the list before it died with the process).
    const diag = had && this.deps.diagnoseSteps && j.state.diagnostics ? await this.checks.diagnoseEffects(j, had, await this.checks.base(j, signal, true), signal) : undefined;
    const more = had ? { sideEffects: had, ...(diag ? { diagnostics: diag.record, blobs: diag.blobs } : {}) } : {};
    const after = `${changed}${diag ? diagnosticsForModel(diag.record) : ''}`;
    if (decision === 'respond') return this.finish(j, call, { content: `The user answered instead of running ${call.name}: ${text ?? ''}${after}` }, input, kind === 'tool' ? undefined : 'skipped', more);
    const why =
      kind === 'command_rerun'
        ? 'The command was interrupted by a crash and may have partly run; the user chose not to run it again.'
        : kind === 'conflict'
          ? 'The file changed outside the session since this edit was planned; the user chose not to apply it.'
          : 'The user rejected this call.';
    // Nobody decided: the timeout's own words say so (the user may be away), not "the user rejected".
    const content = timedOut !== undefined ? `${text ?? `Nobody answered this approval within ${timedOut}, so the approval timeout rejected the call.`}${after}` : `${why}${text ? ` Feedback: ${text}` : ''}${after}`;
    return this.finish(j, call, { content, isError: true }, input, kind === 'tool' ? undefined : 'skipped', more);
  }

  private async start(j: SessionJournal, call: CallState, tool: Tool, input: unknown, approved: ApprovedDisk, startedHere: Set<string>, signal: AbortSignal): Promise<void> {
    let changes: FileChange[] | undefined;
    if (tool.plan) {
      try {
        changes = await this.planChanges(tool, input, signal);
      } catch (e) {
        if (!ToolError.is(e)) throw e;
        // An approved edit_file whose lines, or whose file, changed while the user decided no longer
        // plans ("old_text was not found"): the approved versions decide then, merged or asked about
        // as below, never a tool error the model would answer by editing over the user's change.
        const approved = call.decision ? await approvedFromDisk(call.planned?.mutations ?? [], (p) => this.deps.toolContext.workspace.readFile(p), (h) => j.getBlob(h)) : undefined;
        // Named by the file they reach, as the tool's own plan is (a path may have become a symlink).
        changes = approved ? await byRealPath(this.deps.toolContext.workspace, approved).catch(() => undefined) : undefined;
        if (!changes) return this.finish(j, call, { content: e.message, isError: true }, input);
      }
      // An approval given before writes were named by their real path has the path the tool was given.
      const approvedOf = (c: FileChange) => (call.planned?.mutations ?? []).find((m) => m.path === c.path || (c.via !== undefined && m.path === c.via));
      // A file still as planned, changed outside since the model saw it: merged as the approved plan was (lines that did not merge were asked about then, and allowed).
      const stale = await mergeWithLastSeen(this.deps.store, j.id, changes, (c) => approvedOf(c)?.beforeHash === hashOrNull(c.before));
      changes = stale.changes;
      // A file still as the approved conflict question showed it is written as shown; one changed since is merged or asked about again.
      // A file gone that the change deletes (the user deleted it too) has nothing to merge or ask about.
      const drifted = changes.filter((c) => approvedOf(c)?.beforeHash !== hashOrNull(c.before) && !approvedAt(approved, c.path, hashOrNull(c.before)) && (c.before !== null || c.after !== null));
      // A file approved by one name that leads elsewhere now (replaced by a symlink meanwhile): never merged into the other file unasked.
      const relinked = drifted.filter((c) => c.via !== undefined && approvedOf(c)?.path === c.via);
      if (call.decision && relinked.length > 0) {
        return this.askConflict(j, call, relinked.map((c) => `${c.via} is a symlink now (to ${c.path}): the edit was approved for ${c.via}, and approving it again writes it into ${c.path}`), changes);
      }
      if (call.decision && drifted.length > 0) {
        // The file changed while the user was deciding: merge the approved change into it when the lines do not overlap.
        const outcomes = await Promise.all(
          drifted.map((c) => {
            const planned = approvedOf(c);
            return planned ? mergeStale({ path: c.path, planned, disk: c.before }, (h) => j.getBlob(h)) : { path: c.path, conflict: `${c.path} was not part of the approved change` };
          }),
        );
        const conflicts = outcomes.flatMap((o) => ('conflict' in o ? [o.conflict] : []));
        if (conflicts.length > 0) return this.askConflict(j, call, conflicts, changes);
        const merged = new Map(outcomes.flatMap((o) => ('merged' in o ? [[o.path, o.merged] as const] : [])));
        // What the user changed meanwhile (from the version the edit was made from), for the model.
        const outside = await Promise.all(drifted.filter((c) => merged.has(c.path)).map(async (c) => ({ path: c.path, base: await kept(j, approvedOf(c)?.beforeHash), disk: c.before ?? new Uint8Array() })));
        changes = changes.map((c) => (merged.has(c.path) ? { ...c, after: merged.get(c.path) ?? null } : c));
        return this.begin(j, call, tool, input, changes, startedHere, signal, [], [stale.note, mergedNote(outside, 'since the edit was approved')].filter(Boolean).join('\n'));
      }
      return this.begin(j, call, tool, input, changes, startedHere, signal, [], stale.note);
    }
    return this.begin(j, call, tool, input, changes, startedHere, signal, []);
  }

  /** Journals the intent (with `before` events in the same batch), runs the call, journals the result. */
  private async begin(
    j: SessionJournal,
    call: CallState,
    tool: Tool,
    input: unknown,
    changes: FileChange[] | undefined,
    startedHere: Set<string>,
    signal: AbortSignal,
    before: RunnerEvent[],
    note?: string,
  ): Promise<void> {
    const mutations = changes?.map(toMutation);
    const effects: EffectWrite[] = [{ step: j.state.turn, actionId: call.id, phase: 'intent', data: { name: tool.name, input, ...(mutations ? { mutations } : {}) } }];
    const rerun = call.started ? { rerun: true as const } : {};
    await this.commit(j, j.state.turn, [...before, { type: 'tool_started', data: { callId: call.id, ...(mutations ? { mutations } : {}), ...rerun } }], { effects, blobs: changes ? this.blobsOf(changes) : [] });
    startedHere.add(call.id);
    this.deps.probe?.(`inside:${tool.name}`);
    // The first step that changes files needs something to compare with: the findings before it (afresh after the user's answer: they may have edited meanwhile).
    if (call.decision) this.checks.waited(j);
    const base = await this.stepBase(j, tool, signal, changes?.map((c) => c.path));
    if (changes) {
      // Another session's edit or the user's save may have landed since the plan: merged, never written over.
      const late = await lateWrites(this.deps.toolContext.workspace, changes);
      if (late && 'notWritten' in late) return this.finish(j, call, { content: late.notWritten, isError: true }, input);
      changes = late?.changes ?? changes;
      const out = await refusedOr(this.apply(j, call, changes));
      if (out instanceof WorkspaceError) return this.finish(j, call, { content: notWrittenNote(out.message), isError: true }, input);
      this.deps.probe?.(`applied:${tool.name}`);
      const symbols = await this.symbols(changes);
      const diag = base ? await this.checks.diagnose(j, changes.map((c) => c.path), base, signal, { created: changes.flatMap((c) => (c.before === null ? [c.path] : [])) }) : undefined;
      const content = `${out.content}${[note, late?.note].filter(Boolean).map((n) => `\n${n}`).join('')}${withSymbols(symbols)}${diag ? diagnosticsForModel(diag.record) : ''}`;
      const blobs = [...(late?.blobs ?? []), ...(diag?.blobs ?? [])];
      return this.finish(j, call, { ...out, content }, input, undefined, { symbols, ...(late ? { merged: late.merged } : {}), ...(diag ? { diagnostics: diag.record } : {}), ...(blobs.length ? { blobs } : {}) });
    }
    return this.runCaptured(j, call, tool, input, signal, base);
  }

  /** The findings a step that changes files is compared with, taken before it runs (none for a read, or when steps are not checked); `paths`: the files an edit tool will change. */
  private async stepBase(j: SessionJournal, tool: Tool, signal: AbortSignal, paths?: readonly string[], journaled = false): Promise<StepBase> {
    return this.deps.diagnoseSteps && tool.category === 'mutate' ? this.checks.before(j, signal, paths, journaled) : undefined;
  }

  /**
   * Runs a call that plans no file changes (a command, a read), a command inside the change capture,
   * and journals its result with what the capture found: the files it changed (side effects and
   * their versions), their symbols and the step's findings. A first run and a re-run after a crash alike.
   */
  private async runCaptured(j: SessionJournal, call: CallState, tool: Tool, input: unknown, signal: AbortSignal, base: StepBase, recovered?: ToolResultData['recovered'], earlier?: Interrupted): Promise<void> {
    await this.recordCaptured(j, call, tool, input, signal, base, recovered, earlier);
    // Recorded: the capture's log (this process's, and a dead one's a run again was found in) need not keep the call's index any more.
    if (tool.category === 'mutate') await this.deps.capture?.forget?.(captureLabel(j, call.id)).catch(() => undefined);
  }

  private async recordCaptured(j: SessionJournal, call: CallState, tool: Tool, input: unknown, signal: AbortSignal, base: StepBase, recovered?: ToolResultData['recovered'], earlier?: Interrupted): Promise<void> {
    const { out, set } = await captured(tool.category === 'mutate' ? this.deps.capture : undefined, () => this.execute(tool, input, signal, j, call.id), captureLabel(j, call.id), signal, this.turnWatch(j, call.id));
    const ran = set ? fromCapture(set) : undefined;
    this.deps.probe?.(`applied:${tool.name}`);
    // An edited run again after a crash: what the cut-off run had changed is the step's too.
    earlier ??= call.interrupted?.length ? { effects: call.interrupted, blobs: [] } : undefined;
    const found = earlier?.effects.length ? { files: ran?.files ?? [], effects: composeEffects(earlier.effects, ran?.effects ?? []), blobs: [...earlier.blobs, ...(ran?.blobs ?? [])] } : ran;
    if (!found || found.effects.length === 0) return this.finish(j, call, out, input, recovered);
    const symbols = await this.symbols(found.files);
    const diag = base ? await this.checks.diagnoseEffects(j, found.effects, base, signal) : undefined;
    const content = `${out.content}${describeSideEffects(found.effects)}${diag ? diagnosticsForModel(diag.record) : ''}`;
    return this.finish(j, call, { ...out, content, progressed: true }, input, recovered, {
      sideEffects: found.effects,
      symbols,
      blobs: [...found.blobs, ...(diag?.blobs ?? [])],
      ...(diag ? { diagnostics: diag.record } : {}),
    });
  }

  /** The symbols of the files a call changed (the outliner may still be loading: it is waited for). */
  private async symbols(files: readonly FileVersions[]): Promise<SymbolSnapshot> {
    await this.deps.outliner?.ready?.();
    return symbolSnapshot(this.deps.outliner, files);
  }

  /** Contents of the files a call changes, as blobs, within the size limit. */
  private blobsOf(changes: FileChange[]): BlobInput[] {
    return changeBlobs(changes, this.deps.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  }

  private async reconcile(j: SessionJournal, call: CallState, tool: Tool, latest: CallState['decision'], signal: AbortSignal): Promise<void> {
    await this.checks.sweep(j);
    const input = call.planned?.input;
    const mutations = call.started?.mutations;
    if (mutations) {
      // A crash inside the write may have left its staged copy beside the file: never the user's to find.
      await this.deps.toolContext.workspace.removeStaged(editStagingTag(j.id, call.id), mutations.map((m) => m.path)).catch(() => undefined);
      const approved = await approvedDisk(this.deps.store, j, latest, ['approve']);
      const { pending, conflicts, merged, unwritten, after, unreadable } = await inFlightFiles(mutations, (p) => this.deps.toolContext.workspace.readFile(p), (h) => j.getBlob(h), approved, (p) => filePath(this.deps.toolContext.workspace, p));
      if (unreadable.length > 0) return this.finish(j, call, { content: notMadeNote(unreadable), isError: true }, input, 'skipped');
      if (conflicts.length > 0) {
        const shown = await Promise.all(unwritten.map(async ({ m, disk }): Promise<ShownChange> => ({ path: m.path, before: disk, after: m.afterHash ? await j.getBlob(m.afterHash as BlobHash) : null })));
        return this.askConflict(j, call, conflicts, shown);
      }
      const changes = [
        ...(await Promise.all(pending.map(async (m) => ({ path: m.path, before: null, after: m.afterHash ? await j.getBlob(m.afterHash as BlobHash) : null })))),
        ...merged.map((m) => ({ path: m.path, before: null, after: m.after })),
      ];
      // A path the write cannot reach now (its folder made a file meanwhile), though the user allowed it: not made, and the session goes on.
      const out = await refusedOr(this.apply(j, call, changes));
      if (out instanceof WorkspaceError) return this.finish(j, call, { content: notMadeNote([out.message]), isError: true }, input, 'skipped');
      // The result died with the process: the step's symbols are read again from the journaled contents.
      const blob = (h: string | null) => (h ? j.getBlob(h as BlobHash).catch(() => undefined) : Promise.resolve(null));
      const versions: FileVersions[] = await Promise.all(
        mutations.map(async (m) => {
          const mergedHere = merged.find((x) => x.path === m.path);
          return mergedHere ? { path: m.path, before: mergedHere.disk, after: mergedHere.after } : { path: m.path, before: await blob(m.beforeHash), after: await blob(m.afterHash) };
        }),
      );
      const symbols = await this.symbols(versions);
      // The model knows those files as they are now: what it is told is what it last saw.
      const told = after.length ? `\n${changedAfterEditNote(after)}` : '';
      if (after.length) out.seen = [...(out.seen ?? []), ...after.map((f) => ({ path: f.path, bytes: f.disk }))];
      if (merged.length > 0) {
        const outside = await Promise.all(merged.map(async (m) => ({ path: m.path, base: await kept(j, m.base), disk: m.disk })));
        const content = `${out.content}\n${mergedNote(outside, 'while the edit was interrupted')}${told}${withSymbols(symbols)}`;
        const record = merged.map((m) => ({ path: m.path, beforeHash: hashBytes(m.disk), afterHash: hashBytes(m.after) }));
        return this.finish(j, call, { ...out, content }, input, 'applied', { merged: record, symbols, blobs: merged.flatMap((m) => [{ content: m.disk }, { content: m.after, deltaBase: hashBytes(m.disk) }]) });
      }
      // Findings can be compared only with a base journaled before the crash; the first step's own base died with the process.
      const diag = this.deps.diagnoseSteps && j.state.diagnostics ? await this.checks.diagnose(j, mutations.map((m) => m.path), await this.checks.base(j, signal, true), signal, { created: mutations.flatMap((m) => (m.beforeHash === null ? [m.path] : [])) }) : undefined;
      const recovered = pending.length === 0 ? 'already_applied' : 'applied';
      const content = `${out.content}${told}${withSymbols(symbols)}${diag ? diagnosticsForModel(diag.record) : ''}`;
      return this.finish(j, call, { ...out, content }, input, recovered, { symbols, ...(diag ? { diagnostics: diag.record, blobs: diag.blobs } : {}) });
    }
    // Its process died while the command waited for its turn (CommandTurnData): it never ran, so it starts now as a first run does.
    if (call.queued && !call.queued.check) return this.begin(j, call, tool, input, undefined, new Set(), signal, []);
    // What a command had changed when the crash cut it off (its capture's index as it began, logged): journaled with the question, kept whatever the answer. What still ran of it is stopped first.
    const stopped = await stopLeftovers(this.deps.toolContext.processes, this.deps.store, j, call.id);
    const found = tool.category === 'mutate' ? await recoverInterrupted(this.deps.capture, j, call.id) : undefined;
    if (tool.name === 'run_command' && (!latest || approvalKind(latest.approvalId) !== 'command_rerun')) {
      const since = found && call.interrupted?.length ? { ...found, effects: composeEffects(call.interrupted, found.effects) } : found;
      await this.commit(j, j.state.turn, [rerunQuestion(j, call, input, since, this.now(), stopped)], found ? { blobs: found.blobs } : undefined);
      if (found) await this.deps.capture?.forget?.(captureLabel(j, call.id)).catch(() => undefined);
      return;
    }
    // Reads and computations have no effect outside their result: run them again. A command the
    // user said to run again is run as a first run is: the files it changes are captured and journaled,
    // on top of what its cut-off runs had changed (the one asked about, and a run again cut off too).
    const earlier = { effects: composeEffects(call.interrupted ?? [], found?.effects ?? []), blobs: found?.blobs ?? [] };
    await this.commit(j, j.state.turn, [{ type: 'tool_started', data: { callId: call.id, rerun: true } }], earlier.blobs.length ? { blobs: earlier.blobs } : undefined);
    // The files the cut-off runs changed are the step's: its findings are compared with the last step's, not with a list taken after them.
    return this.runCaptured(j, call, tool, input, signal, await this.stepBase(j, tool, signal, undefined, earlier.effects.length > 0), 'rerun', { effects: earlier.effects, blobs: [] });
  }

  private async askConflict(j: SessionJournal, call: CallState, reasons: string[], shown: readonly ShownChange[]): Promise<void> {
    await this.commit(j, j.state.turn, [conflictQuestion(j, call, reasons, shown, this.now())]);
  }

  private apply(j: SessionJournal, call: CallState, changes: FileWrite[]): Promise<ToolOutput> {
    return applyChanges(this.deps.toolContext.workspace, this.deps.capture, j.id, call.id, changes);
  }

  private async execute(tool: Tool, input: unknown, signal: AbortSignal, j?: SessionJournal, callId?: string): Promise<ToolOutput> {
    if (!tool.run) throw new RunnerError('INVALID', `tool ${tool.name} has neither plan nor run`);
    try {
      // Masked before a cut: a secret cut in two would show its start.
      return fitToTurn(maskedOutput(await tool.run(input, this.ctx(signal, j, callId)), this.deps.toolContext.secrets), j?.state, this.deps.context);
    } catch (e) {
      if (ToolError.is(e)) return { content: e.message, isError: true };
      throw e;
    }
  }

  private async finish(j: SessionJournal, call: CallState, given: ToolOutput, input: unknown, recovered?: ToolResultData['recovered'], more: { sideEffects?: SideEffect[]; symbols?: SymbolSnapshot; blobs?: BlobInput[]; diagnostics?: StepDiagnostics; merged?: PlannedMutation[] } = {}): Promise<void> {
    // Every result, however it was made (a run, a write, a recovery, a refusal): the model and the store never get a secret value.
    const out = maskedOutput(given, this.deps.toolContext.secrets);
    // What a command cut off by a crash had changed is the step's whatever happens next (an edited input the tool refuses, too).
    const sideEffects = more.sideEffects ?? call.interrupted;
    // Under its real path, as the writes (see `byRealPath`); the path given when it cannot be resolved.
    const seen = await Promise.all((out.seen ?? []).map(async (f) => ({ path: await filePath(this.deps.toolContext.workspace, f.path).catch(() => f.path), hash: hashBytes(f.bytes), bytes: f.bytes })));
    const blobs: BlobInput[] = [
      ...(out.full ? [{ content: out.full }] : []),
      ...(more.blobs ?? []),
      ...(more.symbols?.blobs ?? []),
      // What the model read, so that a later drift note can show what changed in it (bounded: a huge file is kept by hash).
      ...seen.filter((f) => f.bytes.length <= SEEN_BLOB_MAX).map((f) => ({ content: f.bytes, hash: f.hash as BlobHash })),
    ];
    const data: ToolResultData = {
      callId: call.id,
      name: call.name,
      key: callKey(call.name, input),
      isError: out.isError === true,
      content: out.full ? `${out.content}\n[The whole output (${out.full.length} bytes) is kept: read_output with call_id "${call.id}" reads any part of it.]` : out.content,
      progressed: out.progressed === true && out.isError !== true,
      ...(out.full ? { outputBlob: hashBytes(out.full) } : {}),
      ...(recovered ? { recovered } : {}),
      ...(sideEffects?.length ? { sideEffects } : {}),
      ...(more.symbols?.lines.length ? { symbols: more.symbols.lines } : {}),
      ...(more.symbols?.outlines.length ? { outlines: more.symbols.outlines } : {}),
      ...(more.diagnostics ? { diagnostics: more.diagnostics } : {}),
      ...(more.merged?.length ? { merged: more.merged } : {}),
      ...(seen.length ? { seen: seen.map((f) => ({ path: f.path, hash: f.hash })) } : {}),
    };
    const effects: EffectWrite[] = [{ step: j.state.turn, actionId: call.id, phase: 'result', data: { isError: data.isError, ...(recovered ? { recovered } : {}) } }];
    const events: RunnerEvent[] = [{ type: 'tool_result', data }];
    if (out.pin && !data.isError) events.push({ type: 'fact_pinned', data: { fact: out.pin, by: 'model' } });
    // A result of a call that ran in this process is not fsynced on its own: a crash of the process
    // keeps it (the OS has it), the next intent's fsync covers it, and a power loss in between
    // leaves the call in flight, which resume reconciles. Not for commands: asking the user again
    // about a command that ran is worse than one fsync. Nor for a result that goes out with the
    // (paid) model turn still staged (a call refused before it started: invalid input, an unknown
    // tool, an input max_tokens cut off): nothing else would fsync that turn.
    const extras: AppendExtras = { blobs, effects, ...(call.name !== 'run_command' && !recovered && !j.hasStaged ? { deferSync: true } : {}) };
    // The turn's last result: the message back to the model goes in the same batch.
    const calls = j.state.calls;
    if (calls.every((c) => c.id === call.id || c.result)) {
      const content: ContentBlock[] = calls.map((c) => {
        const r = c.id === call.id ? data : (c.result as ToolResultData);
        return { type: 'tool_result', tool_use_id: c.id, content: r.content, ...(r.isError ? { is_error: true } : {}) };
      });
      const m: Message = { role: 'user', content };
      events.push({ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'tool_results' } });
      extras.messages = [m];
    }
    await this.commit(j, j.state.turn, events, extras);
  }

  /** The notices and records of the call's command (`check`: its check command) while it waits for its turn in the folder, then gets it. */
  private turnWatch = (j: SessionJournal, callId: string | undefined, check?: true): QueueWatch | undefined => (callId === undefined ? undefined : queueNotices(this.deps, j.id, callId, (data) => this.commit(j, j.state.turn, [{ type: 'command_turn', data }]), check));
  /** The tool's changes, each file named by its real path (`byRealPath`). */
  private planChanges = async (tool: Tool, input: unknown, signal: AbortSignal): Promise<FileChange[]> =>
    byRealPath(this.deps.toolContext.workspace, await plannedWithoutMarkers(() => (tool.plan as NonNullable<Tool['plan']>)(input, this.ctx(signal)), input, this.deps.toolContext.secrets));

  private ctx(signal: AbortSignal, j?: SessionJournal, callId?: string) {
    const outputs = j ? { read: async (id: string) => (j.state.outputs[id] ? j.getBlob(j.state.outputs[id]) : undefined) } : undefined;
    // Bound to the call: its id is the idempotency key, so a call run again at resume writes nothing twice.
    const memory = j && callId && this.deps.memory ? this.deps.memory.port({ sessionId: j.id, seq: j.headSeq, step: j.state.turn, opKey: callId }) : undefined;
    // Its commands' processes are marked as the call's: a resume after a crash finds what still runs of them (`stopLeftovers`).
    const marked = j && callId ? markedFor(this.deps.toolContext, this.deps.store, j, callId, this.turnWatch(j, callId, true)) : {};
    return { ...this.deps.toolContext, ...marked, signal, ...(outputs ? { outputs } : {}), ...(memory ? { memory } : {}) };
  }
}
