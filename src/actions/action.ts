// The interface of a job's action kind. One file per kind in this folder, registered in
// registry.ts: adding a kind is adding a file and one line there.
import type { Outcome } from '../domain/job-retry.js';
import type { OutboundClient } from '../outbound/client.js';

/** One attempt of one tick, as the action sees it. */
export interface Tick {
  jobUuid: string;
  /** The same on every attempt of the tick (and its redrives). */
  runId: string;
  /** 1 for the first attempt. */
  attempt: number;
  scheduledFor: Date;
  timeoutMs: number;
  /** The job's secret, for signatures; null when it has none. */
  secret: string | null;
  settings: unknown;
}

/** A short text sent to the job's channels through the outbox (not a status change). */
export interface JobAlert {
  subject: string;
  text: string;
}

/**
 * What a kind keeps between runs (page-change: the last content's hash), per job. Provided
 * by the back; the API and the CLI, which only validate, have none.
 */
export interface ActionState {
  /** The state saved by the last run; undefined before the first. */
  load(jobUuid: string): Promise<unknown>;
  /**
   * Saves `next` if the stored state is still `previous` (undefined: none), and queues
   * `alert` to the job's channels in the same transaction. false when another attempt saved
   * first: then nothing is written, so two attempts of one change alert once.
   */
  save(jobUuid: string, previous: unknown, next: unknown, alert?: JobAlert): Promise<boolean>;
}

export interface ActionContext {
  outbound: OutboundClient;
  state?: ActionState;
}

/** One setting of a kind on the dashboard's job form: the form is built from these. */
export interface SettingField {
  /** The field of the job's flat JSON that the kind validates. */
  name: string;
  label: string;
  /**
   * text, textarea, select (one of `options`); lines: "Name: value" lines for an object of
   * strings; numbers: a list of whole numbers.
   */
  type: 'text' | 'textarea' | 'select' | 'lines' | 'numbers';
  options?: readonly string[];
  placeholder?: string;
  help?: string;
}

export type SettingsResult<S> = { settings: S } | { error: string; field: string };

export interface Action<S = unknown> {
  /** The settings from the job's flat JSON (the fields the common part did not take). */
  validate(raw: Record<string, unknown>): SettingsResult<S>;
  /** A check that needs I/O when the job is saved (a refused target); a message or undefined. */
  refusal?(settings: S, ctx: ActionContext): Promise<string | undefined>;
  /** The settings as the API shows them (secrets left out). */
  show(settings: S): Record<string, unknown>;
  /** Its settings on the dashboard's form; a kind without them gets a JSON box. */
  fields?: readonly SettingField[];
  /** Never throws: every failure is an outcome. */
  run(tick: Tick & { settings: S }, ctx: ActionContext): Promise<Outcome>;
}
