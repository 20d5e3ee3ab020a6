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

export interface ActionContext {
  outbound: OutboundClient;
}

export type SettingsResult<S> = { settings: S } | { error: string; field: string };

export interface Action<S = unknown> {
  /** The settings from the job's flat JSON (the fields the common part did not take). */
  validate(raw: Record<string, unknown>): SettingsResult<S>;
  /** A check that needs I/O when the job is saved (a refused target); a message or undefined. */
  refusal?(settings: S, ctx: ActionContext): Promise<string | undefined>;
  /** The settings as the API shows them (secrets left out). */
  show(settings: S): Record<string, unknown>;
  /** Never throws: every failure is an outcome. */
  run(tick: Tick & { settings: S }, ctx: ActionContext): Promise<Outcome>;
}
