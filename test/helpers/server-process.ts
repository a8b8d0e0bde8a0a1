// The service as its own process (src/server.ts, as `npm start` runs it), on a test database.
import { type ChildProcess, spawn } from 'node:child_process'
import { inject } from 'vitest'
import type { TestDatabase } from './database.js'

export interface ServerProcess {
  child: ChildProcess
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Its address once it listens; undefined if it did not within 45 seconds. */
  base: string | undefined
  exited: Promise<number | null>
}

/** Starts the server on `db` with the given environment added, and waits for it to listen. */
export async function startServerProcess(db: TestDatabase, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: db.ownerUrl,
      APP_DATABASE_URL: db.appUrl,
      APP_DB_ROLE: inject('appRole'),
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const deadline = Date.now() + 45_000
  let base: string | undefined
  while (!base && Date.now() < deadline && child.exitCode === null) {
    base = /listening on (http:\/\/\S+)/.exec(output)?.[1]
    if (!base) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { child, output: () => output, base, exited }
}
