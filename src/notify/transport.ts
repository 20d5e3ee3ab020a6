import type { AlertEvent, AlertText } from '../domain/alert.js';

export interface Delivery {
  /** The notification's stable id: receivers drop a second delivery with the same id. */
  id: string;
  target: Record<string, unknown>;
  /** The alert behind this delivery; absent for summaries, which are text only. */
  event?: AlertEvent;
  text: AlertText;
  /** A test notification (`channel test`): no alert behind it; webhooks send event "test". */
  test?: boolean;
}

export interface Transport {
  /** Resolves when the receiver accepted the alert; throws DeliveryError otherwise. */
  send(d: Delivery, timeoutMs: number): Promise<void>;
  close?(): void;
}

/** A failed delivery; `permanent` means retrying cannot help (bad address, revoked webhook). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** A receiver's HTTP status decides: 4xx is permanent except 408 and 429; the rest may pass. */
export function httpStatusError(what: string, status: number, body: string): DeliveryError {
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  return new DeliveryError(
    `${what} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`,
    permanent,
  );
}
