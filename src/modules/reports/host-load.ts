// How requests and placements spread across the school's hosts (or a programme's), with Gini coefficients.
import type { Tenant } from '../../infra/db/database.js'
import { displayName } from '../members/display.js'
import { gini } from '../programs/assignment.js'
import type { HostLoadBody } from '../programs/schemas.js'
import { findProgram } from '../programs/service.js'


/** Requests and placements per host, with Gini coefficients; for a programme or the whole school. */
export async function hostLoad(tenant: Tenant, scope: { programId?: string; from: Date; to: Date }): Promise<HostLoadBody> {
  const { db, schoolId } = tenant
  let capacities: Map<string, number> | undefined
  if (scope.programId) {
    await findProgram(tenant, scope.programId)
    capacities = new Map((await db.programHost.findMany({ where: { schoolId, programId: scope.programId } })).map((row) => [row.hostId, row.capacity]))
  }
  const rows = await db.$queryRaw<Array<{ hostId: string; givenName: string | null; familyName: string | null; requests: number; placements: number }>>`
    SELECT hp.member_id::text AS "hostId", m.given_name AS "givenName", m.family_name AS "familyName",
           count(r.id)::int AS requests, count(r.id) FILTER (WHERE r.status = 'accepted')::int AS placements
      FROM host_profiles hp
      JOIN members m ON m.school_id = hp.school_id AND m.id = hp.member_id
      LEFT JOIN host_requests r ON r.school_id = hp.school_id AND r.host_id = hp.member_id
            AND r.created_at >= ${scope.from} AND r.created_at < ${scope.to}
            AND (${scope.programId ?? null}::uuid IS NULL OR r.program_id = ${scope.programId ?? null}::uuid)
     WHERE hp.school_id = ${schoolId}::uuid
     GROUP BY hp.member_id, m.given_name, m.family_name`
  const included = capacities ? rows.filter((row) => capacities.has(row.hostId)) : rows
  included.sort((a, b) => b.requests - a.requests || b.placements - a.placements || a.hostId.localeCompare(b.hostId))
  return {
    hosts: included.map((row) => ({ hostId: row.hostId, name: displayName(row), requests: row.requests, placements: row.placements, capacity: capacities?.get(row.hostId) ?? null })),
    requestGini: gini(included.map((row) => row.requests)),
    placementGini: gini(included.map((row) => row.placements)),
  }
}
