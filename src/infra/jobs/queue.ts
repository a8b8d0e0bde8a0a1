// The job queue: graphile-worker, in the schema graphile_worker of the service's own database. Jobs
// are added in SQL (graphile_worker.add_job) by the same transaction as the change that needs them,
// so a committed change always has its job and a rolled-back one never does; workers in every
// instance take jobs with SKIP LOCKED, so each job runs in one place at a time. The schema is
// installed with the migrations, as the owner; the service's role is then granted its use.
import { Logger, runMigrations } from 'graphile-worker'
import type pg from 'pg'

export const QUEUE_SCHEMA = 'graphile_worker'

const silent = new Logger(() => () => {})

/** Installs or upgrades graphile-worker's schema (as the owner, after the Prisma migrations). */
export async function installQueue(ownerUrl: string): Promise<void> {
  await runMigrations({ connectionString: ownerUrl, schema: QUEUE_SCHEMA, logger: silent })
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Lets the service's role add, take and finish jobs. graphile-worker keeps its tables private with
 * row-level security and no policies (only their owner reaches them); the service role gets one
 * policy per table that admits it. Nothing of any school is in these tables beyond ids.
 */
export async function grantQueue(owner: pg.Client, role: string): Promise<void> {
  const { rows } = await owner.query<{ installed: boolean }>(`SELECT to_regnamespace('${QUEUE_SCHEMA}') IS NOT NULL AS installed`)
  if (!rows[0]?.installed) return
  const who = quoteIdent(role)
  await owner.query(`GRANT USAGE ON SCHEMA ${QUEUE_SCHEMA} TO ${who}`)
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${QUEUE_SCHEMA} TO ${who}`)
  await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${QUEUE_SCHEMA} TO ${who}`)
  await owner.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${QUEUE_SCHEMA} TO ${who}`)
  const { rows: tables } = await owner.query<{ table: string }>(
    'SELECT tablename AS table FROM pg_tables WHERE schemaname = $1 AND rowsecurity', [QUEUE_SCHEMA])
  const policy = quoteIdent(`service_${role}`)
  for (const { table } of tables) {
    const exists = await owner.query('SELECT 1 FROM pg_policies WHERE schemaname = $1 AND tablename = $2 AND policyname = $3', [QUEUE_SCHEMA, table, `service_${role}`])
    if (exists.rowCount) continue
    await owner
      .query(`CREATE POLICY ${policy} ON ${QUEUE_SCHEMA}.${quoteIdent(table)} TO ${who} USING (true) WITH CHECK (true)`)
      .catch((error: { code?: string }) => {
        if (error.code !== '42710') throw error // created meanwhile by another instance
      })
  }
}
