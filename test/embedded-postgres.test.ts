// The embedded PostgreSQL that `npm start` runs with no database configured, where it is hard: run as
// root from a checkout that the postgres user cannot enter (a clone in root's home, mode 0700, as on
// many servers and containers), and started a second time on the same DATA_DIR.
import { existsSync } from 'node:fs'
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EmbeddedDatabaseError,
  type PostgresBinaries,
  packagedBinaries,
  postgresAccount,
  readEmbeddedState,
  runsAs,
  startEmbeddedPostgres,
} from '../src/infra/db/embedded.js'

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function folder(prefix: string, mode: number): Promise<string> {
  const made = await mkdtemp(path.join(os.tmpdir(), prefix))
  await chmod(made, mode)
  cleanups.push(() => rm(made, { recursive: true, force: true }))
  return made
}

async function selectOne(ownerUrl: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: ownerUrl })
  await client.connect()
  try {
    return (await client.query('SELECT 1 AS one')).rows[0]
  } finally {
    await client.end()
  }
}

describe('the embedded PostgreSQL', () => {
  it('refuses a second start on the same DATA_DIR, saying what to do', async () => {
    const dataDir = path.join(await folder('vantage-embedded-', 0o755), 'data')
    const first = await startEmbeddedPostgres(dataDir, () => {})
    cleanups.push(() => first.stop().catch(() => {}))
    await expect(startEmbeddedPostgres(dataDir, () => {})).rejects.toThrow(EmbeddedDatabaseError)
    await expect(startEmbeddedPostgres(dataDir, () => {})).rejects.toThrow(/is already running \(process \d+\).*kill \d+/)
    // The refused start did not stop the running one.
    expect(await selectOne(first.ownerUrl)).toEqual({ one: 1 })
    await first.stop()
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false)
    // Stopping one already stopped (by hand, or it died) is not a failure of the service's shutdown.
    await expect(first.stop()).resolves.toBeUndefined()
  }, 60_000)

  it.runIf(process.getuid?.() === 0)('as root, from a checkout the postgres user cannot enter: copies the binaries and keeps the data where it can, and finds both again', async () => {
    // A checkout in a folder of mode 0700: the package's binaries, and DATA_DIR, inside it.
    const closed = await folder('vantage-closed-', 0o700)
    const packaged = await packagedBinaries()
    const source = path.dirname(path.dirname(packaged.postgres))
    const native = path.join(closed, 'checkout', 'native')
    await cp(source, native, { recursive: true, verbatimSymlinks: true })
    const inCheckout = (binary: string) => path.join(native, path.relative(source, binary))
    const binaries: PostgresBinaries = { initdb: inCheckout(packaged.initdb), pg_ctl: inCheckout(packaged.pg_ctl), postgres: inCheckout(packaged.postgres) }
    const dataDir = path.join(closed, 'checkout', '.data')
    // The failure this is about: as the postgres user, the binaries there cannot even be run.
    const account = postgresAccount(() => {})!
    expect(runsAs(binaries.postgres, account)).toBe(false)
    expect(runsAs(packaged.postgres, account)).toBe(true)

    const reachableRoot = path.join(await folder('vantage-reachable-', 0o755), 'var-lib-vantage')
    const messages: string[] = []
    const first = await startEmbeddedPostgres(dataDir, (message) => messages.push(message), { binaries, reachableRoot })
    cleanups.push(() => first.stop().catch(() => {}))
    const state = (await readEmbeddedState(dataDir))!
    const home = path.dirname(state.databaseDir!)
    expect(path.dirname(home)).toBe(reachableRoot)
    expect(messages).toEqual([
      `the postgres user cannot reach ${dataDir}; the embedded PostgreSQL keeps its data in ${state.databaseDir}`,
      expect.stringMatching(new RegExp(`^the postgres user cannot reach PostgreSQL's binaries in ${native}; copying them to ${home}/postgresql-\\d+\\.\\d+$`)),
      `initialising embedded PostgreSQL in ${state.databaseDir}`,
    ])
    expect(await selectOne(first.ownerUrl)).toEqual({ one: 1 })
    await first.stop()
    expect(existsSync(path.join(state.databaseDir!, 'postmaster.pid'))).toBe(false)

    // Started again: the same data (recorded in DATA_DIR) and the same copy, nothing made anew.
    messages.length = 0
    const second = await startEmbeddedPostgres(dataDir, (message) => messages.push(message), { binaries, reachableRoot })
    cleanups.push(() => second.stop().catch(() => {}))
    expect(messages).toEqual([])
    expect((await readEmbeddedState(dataDir))!.databaseDir).toBe(state.databaseDir)
    expect(await selectOne(second.ownerUrl)).toEqual({ one: 1 })
    await second.stop()
  }, 120_000)
})
