// Graceful shutdown, through a real HTTP server and through the real process.
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { readEmbeddedState } from '../src/infra/db/embedded.js'
import { build } from './helpers/app.js'
import { createTestDatabase } from './helpers/database.js'
import { type ServerProcess, startServerProcess, tokenBeside } from './helpers/server-process.js'
import { until } from './helpers/until.js'

describe('graceful shutdown', () => {
  it('lets in-flight requests finish and refuses new ones', async () => {
    let release!: () => void
    const started = new Promise<void>((resolve) => {
      release = resolve
    })
    const t = await build({}, {
      beforeReady: (app) =>
        app.get('/test/slow', { config: { public: true } }, async () => {
          release()
          await sleep(400)
          return { finished: true }
        }),
    })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as { port: number }
    const base = `http://127.0.0.1:${port}`

    const inFlight = fetch(`${base}/test/slow`).then(async (response) => ({ status: response.status, body: await response.json() }))
    await started
    t.app.lifecycle.shuttingDown = true
    const ready = await fetch(`${base}/health/ready`)
    expect(ready.status).toBe(503)

    const closing = t.app.close()
    const late = await fetch(`${base}/health/live`).then(
      (response) => response.status,
      () => 'refused',
    )
    expect([503, 'refused']).toContain(late)
    expect(await inFlight).toEqual({ status: 200, body: { finished: true } })
    await closing
    await t.database.close()
    await t.db.drop()
  })

  it('waits for a request whose client went away, so that it never meets a closed pool', async () => {
    let entered!: () => void
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve
    })
    let finished!: (outcome: string) => void
    const handlerFinished = new Promise<string>((resolve) => {
      finished = resolve
    })
    const t = await build({}, {
      beforeReady: (app) =>
        app.get('/test/abandoned', { config: { public: true } }, async () => {
          entered()
          await sleep(400)
          finished(await app.database.pool.query('SELECT 1').then(() => 'queried', (error: Error) => error.message))
          return { finished: true }
        }),
    })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as { port: number }
    const request = http.get(`http://127.0.0.1:${port}/test/abandoned`)
    request.on('error', () => {})
    await inHandler
    // The client gives up (a timeout, a reset): no connection is left for close() to wait on.
    request.destroy()
    await sleep(50)
    // main.ts's order: the app, then the pools.
    await t.app.close()
    await t.database.close()
    expect(await handlerFinished).toBe('queried')
    await t.db.drop()
  })
})

/**
 * Puts 60 writes and reads in flight on the running process (which logs at `info`, so that each
 * request's arrival shows), held by a lock on their table so that all are inside the service when
 * `signal()` sends the signal (as many as the pool has connections wait
 * on PostgreSQL, the rest for a connection: the servers here wait up to 30 s for one, past the lock,
 * where the default 3 s would answer those 503 whether or not the service is stopping); then lets
 * them go. Every one must be answered 2xx, and the process must exit 0.
 */
async function answersEveryRequestInFlight(server: ServerProcess, ownerUrl: string, signal: () => void, options: { poolMax: number; readinessDelayMs?: number }) {
  const token = await tokenBeside(server, 'demo', 'student')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  // One connection holds the lock; another watches (pg_stat_activity is a snapshot within a transaction).
  const [owner, observer] = [new pg.Client({ connectionString: ownerUrl }), new pg.Client({ connectionString: ownerUrl })]
  for (const client of [owner, observer]) {
    client.on('error', () => {})
    await client.connect()
  }
  try {
    await owner.query('BEGIN')
    await owner.query('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE')
    const writes = Array.from({ length: 30 }, (_, index) =>
      fetch(`${server.base}/v1/contacts`, { method: 'POST', headers, body: JSON.stringify({ fullName: `In flight ${index}`, source: 'personal' }) }))
    const reads = Array.from({ length: 30 }, () => fetch(`${server.base}/v1/contacts`, { headers }))
    const answered = Promise.all([...writes, ...reads].map((response) => response.then((r) => r.status, (error: Error) => error.message)))
    const waiting = async () =>
      Number((await observer.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].count)
    await until(`${options.poolMax} requests waiting on the lock`, async () => (await waiting()) === options.poolMax, 8_000)
    // And every one of the 60 inside the service (its log says so when a request arrives), not still
    // on its way: one that arrives after the signal is rightly refused with 503.
    const arrived = () => server.output().split('\n').filter((line) => line.includes('"msg":"incoming request"') && line.includes('"url":"/v1/contacts"')).length
    await until('all 60 requests inside the service', () => arrived() === 60, 8_000)

    signal()
    if (options.readinessDelayMs) {
      // Readiness fails at once, so that a load balancer stops sending; the listener still answers.
      // On a connection of its own: a kept-alive one may be closed under it once shutdown begins.
      const ready = await new Promise<number>((resolve, reject) =>
        http.get(`${server.base}/health/ready`, { agent: false }, (response) => {
          response.resume()
          resolve(response.statusCode!)
        }).on('error', reject))
      expect(ready).toBe(503)
    }
    await sleep(500 + (options.readinessDelayMs ?? 0))
    // Still running, its PostgreSQL too: the requests still wait inside it.
    expect(server.child.exitCode).toBeNull()
    expect(await waiting()).toBe(options.poolMax)
    await owner.query('COMMIT')

    expect(await answered).toEqual([...Array(30).fill(201), ...Array(30).fill(200)])
    expect(await server.exited).toBe(0)
    // Nor anything logged as failed on the way out (the queue's UNLISTEN among them).
    expect(server.output().split('\n').filter((line) => /Cannot use a pool|ECONNRESET|terminating connection|UNLISTEN|"level":50/.test(line))).toEqual([])
  } finally {
    await Promise.all([owner.end(), observer.end()]).catch(() => {})
  }
}

describe('the server process', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('starts on DATABASE_URL (migrating it), serves, and on SIGTERM fails readiness, answers all 60 requests in flight, then exits 0', async () => {
    const db = await createTestDatabase()
    cleanups.push(() => db.drop())
    // A database without the schema, to see the start-up migrate it.
    const owner = new pg.Client({ connectionString: db.ownerUrl })
    await owner.connect()
    await owner.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    await owner.end()

    const dataDir = `/tmp/vantage-lifecycle-${process.pid}`
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const server = await startServerProcess(db, { SEED_DEMO: 'true', SHUTDOWN_GRACE_MS: '20000', SHUTDOWN_READINESS_DELAY_MS: '1000', LOG_LEVEL: 'info', DB_POOL_MAX: '25', DB_CONNECT_TIMEOUT_MS: '30000', DB_QUERY_TIMEOUT_MS: '60000', DATA_DIR: dataDir })
    const { child, base } = server
    cleanups.push(async () => void child.kill('SIGKILL'))
    const output = server.output()
    expect(base, output).toBeDefined()
    expect(output).toContain('applied migrations')
    expect(output).toContain('seeded demo schools: demo, demo-2')

    const ready = await fetch(`${base}/health/ready`)
    expect(ready.status).toBe(200)
    const unauthenticated = await fetch(`${base}/v1/me`)
    expect(unauthenticated.status).toBe(401)

    await answersEveryRequestInFlight(server, db.ownerUrl, () => child.kill('SIGTERM'), { poolMax: 25, readinessDelayMs: 1000 })
  }, 90_000)

  it('with no database configured, runs the embedded PostgreSQL and on SIGTERM answers every request in flight before stopping it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vantage-lifecycle-embedded-'))
    // As DATA_DIR is made by default (mkdtemp's is 0700, which the postgres user could not enter as root).
    await chmod(dataDir, 0o755)
    const databaseDir = path.join(dataDir, 'postgres')
    cleanups.push(async () => {
      // A failed test may leave the server, and its PostgreSQL (in a session of its own), running.
      const pid = Number((await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0])
      if (pid) process.kill(pid, 'SIGINT')
      await until('the embedded PostgreSQL stopped', () => !existsSync(path.join(databaseDir, 'postmaster.pid')), 30_000).catch(() => {})
      await rm(dataDir, { recursive: true, force: true })
    })
    // In a process group of its own, which the signal is sent to whole, as a terminal's Ctrl-C or a
    // service manager sends it: PostgreSQL must not be in that group, nor stop on its own.
    const server = await startServerProcess(null, { DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '20000', LOG_LEVEL: 'info', DB_POOL_MAX: '25', DB_CONNECT_TIMEOUT_MS: '30000', DB_QUERY_TIMEOUT_MS: '60000' }, { listenWithinMs: 120_000, processGroup: true })
    cleanups.unshift(async () => void server.child.kill('SIGKILL'))
    expect(server.base, server.output()).toBeDefined()
    expect(server.output()).toContain('initialising embedded PostgreSQL')
    expect(server.output()).toContain('seeded demo schools: demo, demo-2')
    const state = (await readEmbeddedState(dataDir))!
    expect(state.databaseDir).toBeUndefined() // the data are in DATA_DIR/postgres
    const ownerUrl = `postgresql://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/vantage`

    await answersEveryRequestInFlight(server, ownerUrl, () => process.kill(-server.child.pid!, 'SIGTERM'), { poolMax: 25 })
    // The service stopped its PostgreSQL on the way out.
    expect(existsSync(path.join(databaseDir, 'postmaster.pid'))).toBe(false)
  }, 180_000)
})
