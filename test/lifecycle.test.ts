// Graceful shutdown, through a real HTTP server and through the real process.
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from './helpers/app.js'
import { createTestDatabase } from './helpers/database.js'
import { inject } from 'vitest'

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

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: db.ownerUrl,
        APP_DATABASE_URL: db.appUrl,
        APP_DB_ROLE: inject('appRole'),
        PORT: '0',
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'true',
        SHUTDOWN_GRACE_MS: '5000',
        DATA_DIR: `/tmp/vantage-lifecycle-${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    cleanups.push(async () => void child.kill('SIGKILL'))

    const deadline = Date.now() + 45_000
    let base: string | undefined
    while (!base && Date.now() < deadline) {
      base = /listening on (http:\/\/\S+)/.exec(output)?.[1]
      if (!base) await sleep(200)
    }
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
