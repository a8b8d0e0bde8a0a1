// The service as its own process (src/server.ts, as `npm start` runs it), on a test database or on
// the embedded PostgreSQL that `npm start` runs when no database is configured.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { inject } from 'vitest'
import type { TestDatabase } from './database.js'

export interface ServerProcess {
  child: ChildProcess
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Its address once it listens; undefined if it did not within the time given. */
  base: string | undefined
  exited: Promise<number | null>
  /** The environment it runs with, for the commands beside it (`npm run token`). */
  environment: NodeJS.ProcessEnv
}

/**
 * Starts the server on `db` with the given environment added, and waits for it to listen. With `db`
 * null it runs as `npm start` does with no database configured: on its embedded PostgreSQL, kept
 * under env.DATA_DIR.
 */
export async function startServerProcess(
  db: TestDatabase | null,
  env: Record<string, string>,
  options: { listenWithinMs?: number; /** In a process group of its own, to signal the group whole. */ processGroup?: boolean } = {},
): Promise<ServerProcess> {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    ...(db ? { DATABASE_URL: db.ownerUrl, APP_DATABASE_URL: db.appUrl, APP_DB_ROLE: inject('appRole') } : {}),
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...env,
  }
  if (!db) {
    delete environment.DATABASE_URL
    delete environment.APP_DATABASE_URL
    delete environment.APP_DB_ROLE
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: environment, stdio: ['ignore', 'pipe', 'pipe'], detached: options.processGroup })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const deadline = Date.now() + (options.listenWithinMs ?? 45_000)
  let base: string | undefined
  while (!base && Date.now() < deadline && child.exitCode === null) {
    base = /listening on (http:\/\/\S+)/.exec(output)?.[1]
    if (!base) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { child, output: () => output, base, exited, environment }
}

/** A development token from `npm run token` beside the server (its --school and --role). */
export async function tokenBeside(server: ServerProcess, school: string, role: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', '--school', school, '--role', role], { env: server.environment })
  return stdout.trim()
}
