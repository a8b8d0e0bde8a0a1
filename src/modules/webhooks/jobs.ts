// The queue's tasks of webhooks, handed to the queue (src/infra/jobs/worker.ts) by the app: the
// delivery of one event to one endpoint, the dispatch of a school's new events, and the minute's
// reminders (thank-you notes due soon or overdue) with the re-arming of stalled dispatches.
import type { FastifyInstance } from 'fastify'
import type { QueueTasks } from '../../infra/jobs/worker.js'
import { deliver, dispatch } from './delivery.js'
import { rearmStaleDispatches, runReminders } from './reminders.js'

export function webhookTasks(app: FastifyInstance): QueueTasks {
  const { config, database } = app
  return {
    taskList: {
      webhook_deliver: async (payload) =>
        deliver(
          {
            database,
            now: app.clock,
            timeoutMs: config.webhooks.timeoutMs,
            retrySchedule: config.webhooks.retrySchedule,
            allowedHosts: config.webhooks.allowedHosts,
            onAttempt: (outcome) => app.metrics.webhookDeliveries.inc({ outcome }),
          },
          payload as { schoolId: string; deliveryId: string },
        ),
      webhook_dispatch: async (payload) => {
        await dispatch(database, (payload as { schoolId: string }).schoolId)
      },
      reminders: async () => {
        await runReminders(database, app.clock(), config.thankYouDueSoonHours, config.preparationDueSoonHours)
        await rearmStaleDispatches(database, app.clock())
      },
    },
    crontab: ['* * * * * reminders'],
  }
}
