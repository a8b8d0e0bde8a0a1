// Offboarding a school: all its data exported, then deleted (GDPR Art. 28(3)(g): at the end of the
// service, the controller's data is returned and deleted). Both walk the catalog for the tenant
// tables (every table with a school_id), so a new table is exported and deleted without a change
// here. The export streams NDJSON from a cursor, a table at a time, so a school of any size fits.
import { Readable } from 'node:stream'
import type { Database } from '../../infra/db/database.js'
import { tenantTablesByDependency } from '../../infra/db/catalog.js'
import { notFound, Problem } from '../../infra/http/problem.js'

export const SCHOOL_EXPORT_FORMAT = 'vantage-school-export/1'
const BATCH = 1000

async function disabledSchool(database: Database, schoolId: string) {
  const school = await database.platform.school.findUnique({ where: { id: schoolId } })
  if (!school) throw notFound('school')
  return school
}

/** NDJSON: a header line, then {"table", "row"} for every row of every tenant table of the school. */
export async function exportSchool(database: Database, schoolId: string, now: Date): Promise<Readable> {
  const school = await disabledSchool(database, schoolId)
  const client = await database.schoolConnection(schoolId)
  async function* lines() {
    try {
      const tables = await tenantTablesByDependency(client)
      yield `${JSON.stringify({ format: SCHOOL_EXPORT_FORMAT, exportedAt: now.toISOString(), school, tables })}\n`
      // One snapshot for the whole export: every table as of the same moment.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      for (const table of tables) {
        await client.query(`DECLARE rows_of CURSOR FOR SELECT to_jsonb(t)::text AS row FROM "${table}" t WHERE school_id = $1`, [schoolId])
        for (;;) {
          const { rows } = await client.query<{ row: string }>(`FETCH ${BATCH} FROM rows_of`)
          if (!rows.length) break
          yield rows.map((row) => `{"table":${JSON.stringify(table)},"row":${row.row}}\n`).join('')
        }
        await client.query('CLOSE rows_of')
      }
      await client.query('COMMIT')
      client.release()
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      client.release(error as Error)
      throw error
    }
  }
  return Readable.from(lines())
}

/**
 * Deletes everything of a disabled school, children before parents, then the school itself, in one
 * transaction. The report triggers record the deletions as deltas, so those go last.
 */
export async function deleteSchool(database: Database, schoolId: string, confirm: string) {
  const school = await disabledSchool(database, schoolId)
  if (confirm !== school.slug) throw new Problem('validation-failed', 'querystring.confirm must be the school\'s slug', { extensions: { errors: [{ field: 'querystring.confirm', message: 'must be the school\'s slug' }] } })
  if (school.status !== 'disabled') throw new Problem('conflict', 'Disable the school (PATCH status "disabled") and export its data before deleting it')
  const client = await database.schoolConnection(schoolId)
  const deleted: Record<string, number> = {}
  try {
    await client.query('BEGIN')
    const tables = (await tenantTablesByDependency(client)).reverse()
    for (const table of [...tables.filter((table) => !table.startsWith('report_')), ...tables.filter((table) => table.startsWith('report_'))]) {
      const result = await client.query(`DELETE FROM "${table}" WHERE school_id = $1`, [schoolId])
      deleted[table] = (deleted[table] ?? 0) + (result.rowCount ?? 0)
    }
    // The deletions above appended report deltas of their own.
    deleted.report_cell_deltas! += (await client.query('DELETE FROM report_cell_deltas WHERE school_id = $1', [schoolId])).rowCount ?? 0
    const { rows } = await client.query('SELECT school_id FROM delete_offboarded_school($1)', [schoolId])
    if (!rows.length) throw new Problem('conflict', 'The school changed while it was being deleted; nothing was deleted')
    await client.query('COMMIT')
    client.release()
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    client.release()
    throw error
  }
  database.schools.invalidate(schoolId)
  return { schoolId, slug: school.slug, deleted }
}
