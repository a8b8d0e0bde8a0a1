// Hourly upkeep (the queue's task `maintenance`, from graphile-worker's cron, once per hour across
// all instances): for each school, expired Idempotency-Keys are deleted, and pending report deltas
// are folded into the rollups (reports also do this themselves past COMPACT_AFTER pending deltas,
// so this only keeps quiet schools' deltas from piling up).
import { Prisma } from '../../generated/prisma/client.js'
import type { Database } from '../db/database.js'

export async function runMaintenance(database: Database, now: Date): Promise<{ schools: number; idempotencyKeysDeleted: number }> {
  const schools = await database.platform.school.findMany({ select: { id: true } })
  let deleted = 0
  for (const { id } of schools) {
    const tenant = database.forSchool(id)
    const [result] = await tenant.sql<{ deleted: number }>(Prisma.sql`
      WITH gone AS (DELETE FROM idempotency_keys WHERE school_id = ${id}::uuid AND expires_at <= ${now} RETURNING 1)
      SELECT (SELECT count(*)::int FROM gone) AS deleted,
             CASE WHEN EXISTS (SELECT 1 FROM report_cell_deltas WHERE school_id = ${id}::uuid) THEN report_compact(${id}::uuid) END AS compacted`)
    deleted += result?.deleted ?? 0
  }
  return { schools: schools.length, idempotencyKeysDeleted: deleted }
}
