// The service's database role. Migrations run as the owner of the tables; the service itself
// connects as a separate login role that is neither superuser nor table owner and lacks BYPASSRLS,
// so PostgreSQL's row-level security applies to every statement it runs.
import pg from 'pg'
import { grantQueue } from '../jobs/queue.js'

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** Creates the service role when missing and grants it exactly the data privileges it needs. */
export async function ensureAppRole(ownerUrl: string, role: string, password: string | undefined): Promise<void> {
  const owner = new pg.Client({ connectionString: ownerUrl })
  await owner.connect()
  try {
    const existing = await owner.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1',
      [role],
    )
    if (existing.rowCount === 0) {
      const login = password ? `LOGIN PASSWORD ${quoteLiteral(password)}` : 'LOGIN'
      await owner
        .query(`CREATE ROLE ${quoteIdent(role)} ${login} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42710') throw error // created meanwhile by another instance
        })
    }
    const database = (await owner.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db
    await owner.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}`)
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${quoteIdent(role)}`)
    await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${quoteIdent(role)}`)
    await owner.query(`REVOKE ALL ON TABLE _prisma_migrations FROM ${quoteIdent(role)}`).catch(() => {})
    await owner.query(`REVOKE DELETE ON TABLE schools FROM ${quoteIdent(role)}`).catch(() => {})
    await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${quoteIdent(role)}`)
    await owner.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${quoteIdent(role)}`)
    await grantQueue(owner, role)
  } finally {
    await owner.end()
  }
}

export class UnsafeDatabaseRoleError extends Error {}

/** Refuses a service connection whose role would bypass row-level security. */
export async function assertRoleIsUnprivileged(client: pg.Pool | pg.Client): Promise<void> {
  const { rows } = await client.query<{ role: string; rolsuper: boolean; rolbypassrls: boolean; owned: number }>(`
    SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
           (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS owned
      FROM pg_roles r WHERE r.rolname = current_user`)
  const role = rows[0]
  if (!role) throw new UnsafeDatabaseRoleError('the service role could not be read from pg_roles')
  const problems = [
    role.rolsuper && 'is a superuser',
    role.rolbypassrls && 'has BYPASSRLS',
    role.owned > 0 && `owns, or may SET ROLE to the owner of, ${role.owned} tables`,
  ].filter(Boolean)
  if (problems.length) {
    throw new UnsafeDatabaseRoleError(
      `the service's database role "${role.role}" ${problems.join(', ')}; row-level security would not apply. ` +
        'Connect the service as an unprivileged role (APP_DATABASE_URL) and run migrations as the owner (DATABASE_URL).',
    )
  }
}
