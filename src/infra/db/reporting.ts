// Where reports read: a read replica when REPORTING_DATABASE_URL names one, else the primary. The
// replica is a copy of the primary (streaming replication), so its roles, policies and functions are
// the primary's: the service connects as the same unprivileged role and row-level security holds
// there as it does on the primary. GraphQL reports and CSV exports read through it; everything else
// (and every write) stays on the primary. A report says how fresh its data is (freshness()).
import { Prisma } from '../../generated/prisma/client.js'
import type { Config } from '../../config.js'
import { Database, type Tenant } from './database.js'

/** The reporting database: a second Database on the replica, or the primary itself. */
export function reportingDatabase(config: Pick<Config, 'database'>, primary: Database): Database {
  const url = config.database.reportingUrl
  if (!url) return primary
  // A standby cannot LISTEN: this one never keeps schools (reports read them from the primary's cache).
  return new Database({ ...config.database, url, applicationName: 'vantage-reporting', schoolCacheTtlMs: 0, schoolCacheNotifiedTtlMs: undefined })
}

export interface Freshness {
  /** Where the report read: the primary, or a replica. */
  source: 'primary' | 'replica'
  /** The data is as of this instant: now on the primary; on a replica, now when it has replayed all it received, else its last replayed commit. */
  asOf: Date
  /** How far behind the primary the replica's data is, in seconds (0 when it has replayed all it received). */
  lagSeconds: number
}

/** How fresh the data read through `tenant` is. */
export async function freshness(tenant: Pick<Tenant, 'sql'>): Promise<Freshness> {
  const [row] = await tenant.sql<{ replica: boolean; caught_up: boolean | null; replayed_at: Date | null; now: Date }>(Prisma.sql`
    SELECT pg_is_in_recovery() AS replica,
           pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() AS caught_up,
           pg_last_xact_replay_timestamp() AS replayed_at, now() AS now`)
  if (!row!.replica) return { source: 'primary', asOf: row!.now, lagSeconds: 0 }
  if (row!.caught_up || !row!.replayed_at) return { source: 'replica', asOf: row!.now, lagSeconds: 0 }
  return { source: 'replica', asOf: row!.replayed_at, lagSeconds: Math.max(0, (row!.now.getTime() - row!.replayed_at.getTime()) / 1000) }
}
