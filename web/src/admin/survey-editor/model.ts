// The survey editor's state: the author's work copy of the draft, checked with the very schema the API uses
// (functions/domain/survey.ts), kept in localStorage at every change and saved to the server as soon as it is valid.
// A work copy the server cannot take yet (a text still missing in one language, a half-built condition) is never
// lost: it stays local, its issues are shown by field, and publishing waits until it is whole and saved.
import { ApiError } from '../../api.ts';
import { Survey, type SurveyInput, type SurveyState } from '../../../../functions/domain/survey.ts';
import type { FieldIssue } from '../../../../functions/domain/answers.ts';
import type { ConsoleContext } from '../console.ts';
import { draft as localDraft } from '../drafts.ts';

/** The survey JSON as the author edits it (defaults not yet filled in). */
export type Definition = SurveyInput;
/** A published version as GET /api/v1/surveys/:id answers it. */
export type LiveVersion = Survey & { version: number; status?: SurveyState['status'] };

/**
 * saved: the server holds the work copy; unsaved: a save is due; saving: under way; invalid: the schema refuses the work
 * copy (kept locally); refused: the server refused it (e.g. incompatible with an earlier version); offline: the server
 * could not be reached (retried on the next change or saveNow).
 */
export type SaveStatus = 'saved' | 'unsaved' | 'saving' | 'invalid' | 'refused' | 'offline';
export type ChangeReason = 'change' | 'status' | 'saved' | 'reloaded';

export interface EditorModel {
  readonly surveyId: string;
  readonly ctx: ConsoleContext;
  /** The work copy; treat it as read-only and change it through update(). */
  work(): Definition;
  /** The draft as the server last accepted it. */
  serverDraft(): Definition;
  /** The live version, null while the survey was never published. */
  live(): LiveVersion | null;
  state(): SurveyState;
  /** Changes a copy of the work copy and makes it the new one (kept locally at once, saved to the server soon). */
  update(change: (draft: Definition) => void): void;
  /** Replaces the work copy whole (import, duplicate from a version). */
  replace(next: Definition): void;
  /** What stands in the way of saving and publishing: the schema's issues, then the server's last refusal. */
  issues(): FieldIssue[];
  status(): SaveStatus;
  /** Whether the local copy was restored from an earlier visit (it differed from the server's draft). */
  restored(): boolean;
  /** Saves now if there is something to save; resolves true when the server holds the work copy. */
  saveNow(): Promise<boolean>;
  /** Reads the state, the draft and the live version again (after publish, close, reopen). */
  reload(): Promise<void>;
  /** Called on every change of the work copy, of the save status, after a save and after a reload. */
  subscribe(listener: (reason: ChangeReason) => void): () => void;
}

const SAVE_DELAY_MS = 700;

/** Issues of the shared schema, as the API would name them (dotted paths). */
export function schemaIssues(definition: Definition): FieldIssue[] {
  const parsed = Survey.safeParse(definition);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function loadEditorModel(ctx: ConsoleContext, surveyId: string): Promise<EditorModel> {
  const path = `/api/v1/surveys/${encodeURIComponent(surveyId)}`;
  const readLive = async (): Promise<LiveVersion | null> => {
    try {
      return await ctx.request<LiveVersion>(path);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  };
  const [first, firstLive] = await Promise.all([ctx.request<{ state: SurveyState; draft: Definition }>(`${path}/draft`), readLive()]);
  let state = first.state;
  let server = first.draft;
  let live = firstLive;
  const stored = localDraft<Definition>(`survey:${surveyId}`);
  const kept = stored.load();
  const wasRestored = kept !== undefined && !same(kept, server);
  let work: Definition = wasRestored ? kept : server;
  if (!wasRestored) stored.clear();
  let status: SaveStatus = 'saved';
  let serverIssues: FieldIssue[] = [];
  let localIssues = schemaIssues(work);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<boolean> | null = null;
  const listeners = new Set<(reason: ChangeReason) => void>();
  const emit = (reason: ChangeReason) => {
    for (const listener of [...listeners]) listener(reason);
  };
  const setStatus = (next: SaveStatus) => {
    if (next === status) return;
    status = next;
    emit('status');
  };

  const save = async (): Promise<boolean> => {
    if (same(work, server)) {
      stored.clear();
      setStatus('saved');
      return true;
    }
    if (localIssues.length) {
      setStatus('invalid');
      return false;
    }
    const sending = work;
    setStatus('saving');
    try {
      const answer = await ctx.request<{ state: SurveyState; draft: Definition }>(`${path}/draft`, { method: 'PUT', body: sending });
      state = answer.state;
      server = sending;
      serverIssues = [];
      if (same(work, sending)) {
        stored.clear();
        setStatus('saved');
      } else setStatus('unsaved');
      emit('saved');
      return same(work, sending);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) ctx.authFailed(error);
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        serverIssues = error.issues.map((issue) => ({ path: Array.isArray(issue.path) ? issue.path.join('.') : issue.path, message: issue.message ?? error.message }));
        if (serverIssues.length === 0) serverIssues = [{ path: '', message: error.message }];
        setStatus('refused');
      } else setStatus('offline');
      emit('change');
      return false;
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void model.saveNow(), SAVE_DELAY_MS);
  };
  ctx.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    if (!same(work, server) && !localIssues.length) void save();
  });

  const setWork = (next: Definition) => {
    work = next;
    localIssues = schemaIssues(work);
    serverIssues = [];
    if (same(work, server)) stored.clear();
    else stored.save(work);
    setStatus(same(work, server) ? 'saved' : localIssues.length ? 'invalid' : 'unsaved');
    emit('change');
    if (!localIssues.length && !same(work, server)) saveSoon();
  };

  const model: EditorModel = {
    surveyId,
    ctx,
    work: () => work,
    serverDraft: () => server,
    live: () => live,
    state: () => state,
    update(change) {
      const next = structuredClone(work);
      change(next);
      setWork(next);
    },
    replace: (next) => setWork(structuredClone(next)),
    issues: () => [...localIssues, ...serverIssues],
    status: () => status,
    restored: () => wasRestored,
    async saveNow() {
      clearTimeout(timer);
      while (inFlight) await inFlight;
      inFlight = save();
      try {
        return await inFlight;
      } finally {
        inFlight = null;
      }
    },
    async reload() {
      const [again, againLive] = await Promise.all([ctx.request<{ state: SurveyState; draft: Definition }>(`${path}/draft`), readLive()]);
      state = again.state;
      live = againLive;
      if (same(work, server)) {
        server = again.draft;
        work = again.draft;
        localIssues = schemaIssues(work);
      } else server = again.draft;
      emit('reloaded');
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  if (wasRestored) setStatus(localIssues.length ? 'invalid' : 'unsaved');
  if (wasRestored && !localIssues.length) saveSoon();
  return model;
}
