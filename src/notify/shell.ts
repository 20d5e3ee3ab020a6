// `shell` channels: run the channel's command with /bin/sh on the back's host, the alert in
// its environment (CRONWATCH_EVENT, CRONWATCH_CHECK_NAME, …). Off unless SHELL_CHANNELS=1:
// whoever can create a channel could otherwise run commands as cronwatch. The command gets
// PATH, HOME and LANG of the back (config.ts) and no other variable: DATABASE_URL and
// SMTP_URL stay out of a command's reach.
import { spawn } from 'node:child_process';
import { eventKind } from './provider.js';
import { DeliveryError, type Delivery, type Transport } from './transport.js';

/** Bytes of the command's stderr kept for the error message of a failed run. */
const STDERR_KEEP = 1000;

export function shellEnv(d: Delivery, base: Record<string, string>): Record<string, string> {
  const e = d.event;
  const env: Record<string, string> = {
    CRONWATCH_EVENT: eventKind(d),
    CRONWATCH_NOTIFICATION_ID: d.id,
    CRONWATCH_SUBJECT: d.text.subject,
    CRONWATCH_TEXT: d.text.body,
    ...base,
  };
  if (d.text.url) env.CRONWATCH_URL = d.text.url;
  if (e) {
    Object.assign(env, {
      CRONWATCH_CHECK_NAME: e.check.name,
      CRONWATCH_CHECK_UUID: e.check.uuid,
      CRONWATCH_ACCOUNT: e.check.account,
      CRONWATCH_AT: e.at,
      CRONWATCH_LAST_PING_AT: e.lastPingAt ?? '',
    });
    if (e.exitStatus !== undefined) env.CRONWATCH_EXIT_STATUS = String(e.exitStatus);
  }
  return env;
}

export function shellTransport(allowed: { env: Record<string, string> } | undefined): Transport {
  return {
    send(d: Delivery, timeoutMs: number) {
      if (!allowed)
        return Promise.reject(
          new DeliveryError('shell channels are turned off: set SHELL_CHANNELS=1', true),
        );
      const command = d.target.command;
      if (typeof command !== 'string' || command === '')
        return Promise.reject(new DeliveryError('shell channel has no command', true));
      return run(command, shellEnv(d, allowed.env), timeoutMs);
    },
  };
}

function run(command: string, env: Record<string, string>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += c.toString('utf8');
    });
    child.on('error', (err) => reject(new DeliveryError(`shell: ${err.message}`, false)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = signal
        ? `was killed (${signal}` + (signal === 'SIGKILL' ? `, over ${timeoutMs} ms)` : ')')
        : `exited with ${code}`;
      const tail = stderr.trim().slice(0, STDERR_KEEP);
      // 126/127: the shell could not run the command; it will not be found on a retry either.
      reject(
        new DeliveryError(
          `shell: the command ${why}${tail ? `: ${tail}` : ''}`,
          code === 126 || code === 127,
        ),
      );
    });
  });
}
