// The link between host requests and meetings that other modules use: a request's expiry (the
// sweep that reminders, programmes and hosts' reads run), writing a request with its meeting and
// contact (a student's or a programme's), and how meeting transitions treat a meeting addressed to a
// host (the lock order, the gate, and the booked window the host's ledger reads).
import type { Db, Transaction } from '../../infra/db/database.js'
import { Problem } from '../../infra/http/problem.js'
import type { Prisma } from '../../generated/prisma/client.js'
import { displayName } from '../members/display.js'
import type { StoredWindow } from '../scheduling/windows.js'

/**
 * Marks the school's requests that waited past their expiry as expired, closes their meetings and
 * counts them against their hosts' response rate. Usually one cheap check finds nothing due. When
 * some are, a transaction locks their hosts' rows first, in id order (the order accepting and
 * declining take them: host, then requests), then expires them in one statement; concurrent sweeps
 * expire each request once (the second finds it no longer pending).
 */
export async function expireOverdueRequests(db: Db, schoolId: string, now: Date): Promise<number> {
  const [due] = await db.$queryRaw<Array<{ due: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM host_requests WHERE school_id = ${schoolId}::uuid AND status = 'pending' AND expires_at <= ${now}) AS due`
  if (!due?.due) return 0
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`
      SELECT 1 FROM host_profiles
       WHERE school_id = ${schoolId}::uuid
         AND member_id IN (SELECT host_id FROM host_requests WHERE school_id = ${schoolId}::uuid AND status = 'pending' AND expires_at <= ${now})
       ORDER BY member_id FOR UPDATE`
    const [result] = await tx.$queryRaw<Array<{ expired: number }>>`
      WITH expired AS (
        UPDATE host_requests SET status = 'expired', updated_at = now()
         WHERE school_id = ${schoolId}::uuid AND status = 'pending' AND expires_at <= ${now}
        RETURNING host_id, meeting_id
      ), closed AS (
        UPDATE meetings m SET status = 'cancelled', closed_reason = 'Expired: the host did not answer in time', closed_at = ${now}, updated_at = now()
          FROM expired e
         WHERE m.school_id = ${schoolId}::uuid AND m.id = e.meeting_id AND m.status = 'requested'
        RETURNING m.id
      ), counted AS (
        UPDATE host_profiles hp SET expired_count = hp.expired_count + c.n
          FROM (SELECT host_id, count(*)::int AS n FROM expired GROUP BY host_id) c
         WHERE hp.school_id = ${schoolId}::uuid AND hp.member_id = c.host_id
        RETURNING hp.member_id
      )
      SELECT (SELECT count(*)::int FROM expired) AS expired, (SELECT count(*) FROM closed) AS closed, (SELECT count(*) FROM counted) AS counted`
    return result?.expired ?? 0
  })
}

interface NewRequest {
  studentId: string
  hostId: string
  groupId: string
  kind: 'informational_interview' | 'job_shadow'
  purpose: string
  mode: 'in_person' | 'video' | 'phone'
  location: string | null
  proposedSlots: StoredWindow[]
  expiresAt: Date
  /** The app's clock: the request's creation time, from which its expiry and the host's load count. */
  createdAt: Date
  programId?: string | null
  runId?: string | null
  score?: number | null
  reasons?: Array<{ code: string; text: string }>
}

/**
 * Writes one request: the student's contact for the host (found, or created without the host's
 * private details), the meeting request, and the host request. Runs inside the caller's transaction.
 */
export async function insertHostRequest(tx: Transaction, schoolId: string, request: NewRequest): Promise<string> {
  let contact = await tx.contact.findFirst({ where: { schoolId, studentId: request.studentId, alumniMemberId: request.hostId }, select: { id: true }, orderBy: { id: 'asc' } })
  if (!contact) {
    const host = await tx.member.findFirstOrThrow({
      where: { schoolId, id: request.hostId },
      select: { givenName: true, familyName: true, hostProfile: { select: { organization: true, title: true, industries: true, occupations: true, backgroundTags: true } } },
    })
    const profile = host.hostProfile
    contact = await tx.contact.create({
      data: {
        schoolId,
        studentId: request.studentId,
        fullName: displayName(host) ?? 'Alumni host',
        title: profile?.title ?? null,
        organization: profile?.organization ?? null,
        industry: profile?.industries[0] ?? null,
        occupation: profile?.occupations[0] ?? null,
        source: 'alumni_network',
        backgroundTags: profile?.backgroundTags ?? [],
        alumniMemberId: request.hostId,
      },
      select: { id: true },
    })
  }
  const meeting = await tx.meeting.create({
    data: {
      schoolId,
      studentId: request.studentId,
      contactId: contact.id,
      kind: request.kind,
      purpose: request.purpose,
      mode: request.mode,
      location: request.location,
      proposedSlots: request.proposedSlots as unknown as Prisma.InputJsonArray,
    },
    select: { id: true },
  })
  const row = await tx.hostRequest.create({
    data: {
      schoolId,
      groupId: request.groupId,
      studentId: request.studentId,
      hostId: request.hostId,
      meetingId: meeting.id,
      programId: request.programId ?? null,
      runId: request.runId ?? null,
      score: request.score ?? null,
      reasons: (request.reasons ?? []) as unknown as Prisma.InputJsonArray,
      expiresAt: request.expiresAt,
      createdAt: request.createdAt,
    },
    select: { id: true },
  })
  return row.id
}

/** The meeting statuses in which an accepted request holds the host's capacity. */
export const BOOKED_STATUSES = ['scheduled', 'resume_sent', 'completed', 'thank_you_sent'] as const

/**
 * Keeps an accepted request's booked window with its meeting after a transition: a cancellation or
 * no-show frees it (the host's ledger reads these columns). The student cannot move a meeting a host
 * booked (hostRequestGate), so the window itself only changes through the host's answer.
 */
export async function syncHostBooking(tx: Transaction, schoolId: string, meetingId: string) {
  await tx.$executeRaw`
    UPDATE host_requests r SET
      starts_at = CASE WHEN m.status::text = ANY(${[...BOOKED_STATUSES]}::text[]) THEN m.starts_at END,
      ends_at = CASE WHEN m.status::text = ANY(${[...BOOKED_STATUSES]}::text[]) THEN m.ends_at END,
      shadow_days = CASE WHEN m.status::text = ANY(${[...BOOKED_STATUSES]}::text[]) AND m.kind = 'job_shadow'
                         THEN ((m.ends_at - interval '1 millisecond') AT TIME ZONE hp.time_zone)::date - (m.starts_at AT TIME ZONE hp.time_zone)::date + 1
                         ELSE 0 END,
      updated_at = now()
      FROM meetings m, host_profiles hp
     WHERE r.school_id = ${schoolId}::uuid AND r.meeting_id = ${meetingId}::uuid AND r.status = 'accepted'
       AND m.school_id = r.school_id AND m.id = r.meeting_id AND hp.school_id = r.school_id AND hp.member_id = r.host_id`
}

export interface LockedHostRequest {
  id: string
  status: string
}

/**
 * For the meetings service: locks the host request of a student's meeting, if it has one. It is
 * locked before the meeting, in the order a host's answer takes them (request, then meeting), so a
 * student's transition and a host's answer never deadlock.
 */
export async function lockMeetingHostRequest(tx: Transaction, schoolId: string, meetingId: string, studentId: string): Promise<LockedHostRequest | null> {
  const [request] = await tx.$queryRaw<LockedHostRequest[]>`
    SELECT id::text, status::text FROM host_requests
     WHERE school_id = ${schoolId}::uuid AND meeting_id = ${meetingId}::uuid AND student_id = ${studentId}::uuid FOR UPDATE`
  return request ?? null
}

/**
 * For the meetings service: a meeting addressed to a host is answered by the host. Cancelling it
 * withdraws the request; any other change by the student waits for the host's answer; once the host
 * accepted, the student may not move the window (it was booked against the host's ledger).
 */
export async function hostRequestGate(tx: Transaction, schoolId: string, request: LockedHostRequest | null, transition: string) {
  if (!request) return
  // The host booked this window against their ledger, blackouts and calendar: the student may not move it.
  if (request.status === 'accepted' && transition === 'schedule') {
    throw new Problem('conflict', 'This meeting was booked by an alumni host\'s answer; to move it, cancel it and send a new request', {
      extensions: { hostRequestId: request.id },
    })
  }
  if (request.status !== 'pending') return
  if (transition === 'cancel') {
    await tx.hostRequest.update({ where: { schoolId_id: { schoolId, id: request.id } }, data: { status: 'withdrawn' } })
    return
  }
  throw new Problem('conflict', 'This meeting was requested from an alumni host; it is scheduled or declined by the host\'s answer', {
    extensions: { hostRequestId: request.id },
  })
}
