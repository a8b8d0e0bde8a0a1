// Publishing one run: a request to each paired host, in one transaction.
import { randomUUID } from 'node:crypto'
import type { Tenant } from '../../infra/db/database.js'
import { Problem } from '../../infra/http/problem.js'
import { availableWindows, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import { expireOverdueRequests, insertHostRequest } from '../host-requests/booking.js'
import type { School } from '../schools/settings.js'
import type { Pair } from './assignment.js'
import type { RunBody } from './schemas.js'
import { DAY, findProgram, SLOTS_PER_REQUEST } from './service.js'
import { digestOf, findRun, loadAssignmentInput, runWithNames } from './runs.js'


/**
 * Publishes a run: one request per pair, addressed to the host, with up to three of the host's
 * available windows in the programme as proposed slots. Refused when the programme is already
 * published, when a newer run exists, or when the participants changed since the run (rerun first).
 * A pair whose student already waits for that host is skipped and reported.
 */
export async function publishRun(tenant: Tenant, programId: string, runId: string, now: Date, school: Pick<School, 'timeZone' | 'settings'>) {
  const { db, schoolId } = tenant
  await expireOverdueRequests(db, schoolId, now)
  const program = await findProgram(tenant, programId)
  const run = await findRun(tenant, programId, runId)
  if (program.publishedRunId) {
    throw new Problem('conflict', program.publishedRunId === runId ? 'This run is already published' : 'Another run of this programme is already published', {
      extensions: { publishedRunId: program.publishedRunId },
    })
  }
  const { hosts, students, settings, span, searchFrom, minMinutes } = await loadAssignmentInput(tenant, program, now, school)
  if (digestOf(program, hosts, students, run.pins as unknown as Pair[], run.forbidden as unknown as Pair[], settings.matchingWeights) !== run.inputDigest) {
    throw new Problem('conflict', 'The programme\'s participants, dates or host availability changed since this run; compute a new run and publish that', { extensions: { inputDigest: run.inputDigest } })
  }
  const pairs = run.pairs as unknown as RunBody['pairs']
  const profiles = await db.hostProfile.findMany({ where: { schoolId, memberId: { in: [...new Set(pairs.map((pair) => pair.hostId))] } } })
  const studentsById = new Map(students.map((student) => [student.studentId, student]))
  const maxMinutes = program.kind === 'job_shadow' ? 7 * 24 * 60 : settings.interviewMaxMinutes
  const purpose = `${program.name}: ${program.kind === 'job_shadow' ? 'a job shadow' : 'an informational interview'} arranged by the career office, to learn about your work (not a job request).`
  const created = await db.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<Array<{ published_run_id: string | null }>>`
        SELECT published_run_id::text FROM programs WHERE school_id = ${schoolId}::uuid AND id = ${programId}::uuid FOR UPDATE`
      if (locked?.published_run_id) throw new Problem('conflict', 'This programme was published meanwhile', { extensions: { publishedRunId: locked.published_run_id } })
      const newer = await tx.assignmentRun.findFirst({ where: { schoolId, programId, id: { gt: runId } }, select: { id: true } })
      if (newer) throw new Problem('conflict', 'A newer run of this programme exists; publish the run you reviewed last', { extensions: { newerRunId: newer.id } })
      let count = 0
      const skipped: Array<{ studentId: string; hostId: string; existingRequestId: string }> = []
      for (const pair of pairs) {
        // The student already waits for this host (a request of their own): a second one would only
        // ask the host twice.
        const waiting = await tx.hostRequest.findFirst({ where: { schoolId, studentId: pair.studentId, hostId: pair.hostId, status: 'pending' }, select: { id: true } })
        if (waiting) {
          skipped.push({ studentId: pair.studentId, hostId: pair.hostId, existingRequestId: waiting.id })
          continue
        }
        const profile = profiles.find((row) => row.memberId === pair.hostId)!
        const student = studentsById.get(pair.studentId)!
        const wanted = student.modes ?? program.modes
        const mode = (['video', 'phone', 'in_person'] as const).find((candidate) => wanted.includes(candidate) && program.modes.includes(candidate) && profile.modes.includes(candidate)) ?? profile.modes[0]!
        const windows = availableWindows(
          { timeZone: profile.timeZone, weeklyWindows: profile.weeklyWindows as unknown as WeeklyWindow[], blackouts: profile.blackouts as unknown as Blackout[] },
          searchFrom,
          span.endsAt,
          minMinutes,
          SLOTS_PER_REQUEST,
        )
        await insertHostRequest(tx, schoolId, {
          studentId: pair.studentId,
          hostId: pair.hostId,
          groupId: randomUUID(),
          kind: program.kind,
          purpose,
          mode,
          location: mode === 'in_person' ? profile.location : null,
          proposedSlots: windows.map((window) => ({
            startsAt: window.startsAt.toISOString(),
            endsAt: new Date(Math.min(window.endsAt.getTime(), window.startsAt.getTime() + maxMinutes * 60_000)).toISOString(),
          })),
          expiresAt: new Date(now.getTime() + settings.hostRequestExpiryDays * DAY),
          createdAt: now,
          programId,
          runId,
          score: pair.score,
          reasons: pair.reasons,
        })
        count += 1
      }
      await tx.assignmentRun.update({ where: { schoolId_id: { schoolId, id: runId } }, data: { publishedAt: now } })
      await tx.program.update({ where: { schoolId_id: { schoolId, id: programId } }, data: { publishedRunId: runId, publishedAt: now } })
      return { count, skipped }
    },
    { maxWait: 10_000, timeout: 120_000 },
  )
  return { run: await runWithNames(tenant, await findRun(tenant, programId, runId)), requestsCreated: created.count, skipped: created.skipped }
}
