// The state store of action kinds (ActionContext.state), for the trigger: a kind's state and
// its change alert are written in one transaction, so a change is alerted exactly when its
// new state is saved.
import type { ActionState, JobAlert } from '../actions/action.js';
import {
  insertChangeNotifications,
  jobAlertCheck,
  loadJobState,
  swapJobState,
} from '../db/job-state.js';
import { transaction, type Pool } from '../db/pool.js';
import type { AlertEvent } from '../domain/alert.js';

export function actionState(pool: Pool, clock: () => Date): ActionState {
  return {
    load: (jobUuid) => loadJobState(pool, jobUuid),
    save: (jobUuid, previous, next, alert?: JobAlert) =>
      transaction(pool, async (client) => {
        if (!(await swapJobState(client, jobUuid, previous, next))) return false;
        const check = alert ? await jobAlertCheck(client, jobUuid) : undefined;
        if (!alert || !check) return true;
        const now = clock();
        const event: AlertEvent = {
          kind: 'change',
          check,
          flipId: 0,
          at: now.toISOString(),
          lastPingAt: null,
          expectedAt: null,
          change: alert,
        };
        await insertChangeNotifications(client, event, now);
        return true;
      }),
  };
}
