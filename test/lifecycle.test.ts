// Graceful shutdown, through a real HTTP server and through the real process.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from './helpers/app.js'
import { createTestDatabase } from './helpers/database.js'
import { startServerProcess } from './helpers/server-process.js'

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
})

describe('the server process', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('starts on DATABASE_URL (migrating it), serves, and exits cleanly on SIGTERM', async () => {
    const db = await createTestDatabase()
    cleanups.push(() => db.drop())
    // A database without the schema, to see the start-up migrate it.
    const pg = (await import('pg')).default
    const owner = new pg.Client({ connectionString: db.ownerUrl })
    await owner.connect()
    await owner.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    await owner.end()

    const server = await startServerProcess(db, { SEED_DEMO: 'true', SHUTDOWN_GRACE_MS: '5000', DATA_DIR: `/tmp/vantage-lifecycle-${process.pid}` })
    const { child, base, exited } = server
    cleanups.push(async () => void child.kill('SIGKILL'))
    const output = server.output()
    expect(base, output).toBeDefined()
    expect(output).toContain('applied migrations')
    expect(output).toContain('seeded demo schools: demo, demo-2')

    const ready = await fetch(`${base}/health/ready`)
    expect(ready.status).toBe(200)
    const unauthenticated = await fetch(`${base}/v1/me`)
    expect(unauthenticated.status).toBe(401)

    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 90_000)
})
