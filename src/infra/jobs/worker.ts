// The queue's workers in this instance (JOBS_ENABLED, JOBS_CONCURRENCY): graphile-worker's runner on
// a pool of its own, started when the app is ready and stopped gracefully when it closes (jobs in
// progress finish; a job that a crashed instance held is released by graphile-worker and run again,
// so a delivery is at most repeated, with the same webhook-id, never lost). graphile-worker's runner
// stops itself when its cron or its worker pool fails, as when PostgreSQL restarts: while the app
// runs, a stopped runner is started again, after 1 s and then twice as long each failed try (at most
// RESTART_MAX_MS), so the queue resumes once the database is back. The jobs such a runner still held
// (the database went away between a job's work and its completion, which then could not be written)
// are released before the next runner starts, by its worker pool's id: without that they would stay
// locked until graphile-worker's lock timeout (4 hours), and a webhook delivery would wait as long.
import { EventEmitter } from 'node:events'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Logger, run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker'
import { runMaintenance } from './maintenance.js'
import { QUEUE_SCHEMA } from './queue.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The running queue runner, when this instance runs workers. */
    jobs: { runner: Runner | null }
  }
}

/** What a module gives the queue to run: its tasks, and cron lines naming them. */
export interface QueueTasks {
  taskList: TaskList
  crontab?: string[]
}

/** The queue's own task, beside the modules' (`tasks`, given by the app). */
function taskList(app: FastifyInstance, tasks: QueueTasks[]): TaskList {
  return {
    ...Object.assign({}, ...tasks.map((entry) => entry.taskList)),
    maintenance: async () => {
      await runMaintenance(app.database, app.clock())
    },
  }
}

const RESTART_FIRST_MS = 1_000
const RESTART_MAX_MS = 15_000

export default fp(
  async function jobs(app: FastifyInstance, { tasks }: { tasks: (app: FastifyInstance) => QueueTasks[] }) {
    app.decorate('jobs', { runner: null as Runner | null })
    if (!app.config.jobs.enabled) return
    const pool = app.database.newPool(app.config.jobs.concurrency + 2, 'vantage-jobs')
    const modules = tasks(app)
    const log = app.log.child({ component: 'jobs' })
    const logger = new Logger((scope) => (level, message, meta) => {
      const entry = { ...scope, ...meta }
      if (level === 'error') log.error(entry, message)
      else if (level === 'warning') log.warn(entry, message)
      else log.debug(entry, message)
    })
    const options = {
      pgPool: pool,
      schema: QUEUE_SCHEMA,
      concurrency: app.config.jobs.concurrency,
      noHandleSignals: true,
      pollInterval: 2000,
      logger,
      taskList: taskList(app, modules),
      crontab: [...modules.flatMap((entry) => entry.crontab ?? []), '17 * * * * maintenance'].join('\n'),
      // Completions go through graphile-worker's batcher, which runner.stop() flushes. Unbatched (the
      // default, -1) a completion is not awaited, and pool.end() below would drop it: the job would
      // stay locked until graphile-worker's lock timeout and run again.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    }
    let closing = false
    let restart: NodeJS.Timeout | null = null
    let starting: Promise<void> | null = null
    /** The worker pools of the running runner, by id. */
    let pools: string[] = []
    /** The worker pools of runners that stopped on their own, whose jobs are still to release. */
    let orphaned: string[] = []
    /** Starts the runner and watches it: if it stops while the app runs, it is started again. */
    const start = () => {
      starting = launch().finally(() => {
        starting = null
      })
      return starting
    }
    const launch = async () => {
      if (orphaned.length > 0) {
        // Fails while the database is still away: the start is then tried again later.
        await pool.query(`SELECT ${QUEUE_SCHEMA}.force_unlock_workers($1::text[])`, [orphaned])
        log.info({ workerPools: orphaned }, 'released the jobs of a stopped queue runner')
        orphaned = []
      }
      const events: WorkerEvents = new EventEmitter()
      const created: string[] = []
      events.on('pool:create', ({ workerPool }) => created.push(workerPool.id))
      const runner = await run({ ...options, events })
      pools = created
      // The app began closing while the runner started: it must not outlive the app.
      if (closing) {
        await runner.stop().catch(() => {})
        return
      }
      app.jobs.runner = runner
      runner.promise.then(
        () => restartAfter(runner, RESTART_FIRST_MS, null),
        (error: unknown) => restartAfter(runner, RESTART_FIRST_MS, error),
      )
    }
    const restartAfter = (stopped: Runner | null, delayMs: number, error: unknown) => {
      if (closing || (stopped && app.jobs.runner !== stopped)) return
      app.jobs.runner = null
      if (stopped) {
        orphaned.push(...pools)
        pools = []
      }
      log.warn({ err: error ?? undefined, retryInMs: delayMs }, 'queue runner stopped; starting it again')
      restart = setTimeout(() => {
        restart = null
        if (closing) return
        start().catch((failure: unknown) => restartAfter(null, Math.min(delayMs * 2, RESTART_MAX_MS), failure))
      }, delayMs)
    }
    app.addHook('onReady', start)
    app.addHook('onClose', async () => {
      closing = true
      if (restart) clearTimeout(restart)
      await starting?.catch(() => {})
      const runner = app.jobs.runner
      app.jobs.runner = null
      // A runner that stopped itself (its cron or pool failed) has nothing left to finish.
      await runner?.stop().catch(() => {})
      await pool.end()
    })
  },
  { name: 'jobs' },
)
