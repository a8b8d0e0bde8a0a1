// Signed one-click confirmation: after a meeting's end, the student and the host each have a link
// (no sign-in) to say it happened, or that the other did not come. The link carries a JWT signed
// with the service's keys for its own audience (so it is never a bearer token for the API), naming
// the school, the meeting and the party, valid until CONFIRMATION_DAYS after the meeting's end. The
// answer feeds the meeting's status (a scheduled meeting becomes completed or no_show) and each
// person's reliability: how often the other party confirmed they came.
import { errors as joseErrors, jwtVerify } from 'jose'
import { Prisma } from '../../generated/prisma/client.js'
import { CONFIRMATION_LINK_TYPE } from '../../infra/auth/authenticator.js'
import type { SigningKeys } from '../../infra/auth/signing-keys.js'
import type { Database, Tenant } from '../../infra/db/database.js'
import { notFound, Problem } from '../../infra/http/problem.js'
import { lockMeetingHostRequest, syncHostBooking } from '../host-requests/booking.js'

export const CONFIRMATION_AUDIENCE = 'urn:vantage:meeting-confirmation'
/** How long after a meeting's end its links work. */
export const CONFIRMATION_DAYS = 14
export type Party = 'student' | 'host'
export type Outcome = 'happened' | 'no_show'
const DAY = 86_400_000
/** Meetings that have (or had) a time: the ones that can have taken place. */
const HELD_STATUSES = ['scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'no_show']

interface Signer {
  keys: SigningKeys
  issuer: string
  publicUrl: string
}

/**
 * The links of a meeting that has ended. A viewer may have: staff both (to pass the host's on to a
 * professional who is not a member); the meeting's student theirs; the meeting's host theirs, that
 * is, the alumnus whose host request for it was accepted. An alumnus a student's contact merely
 * names is not the host: the student sets that link, and could otherwise hand any alumnus a
 * meeting to answer for. Anyone else is answered as for a meeting that does not exist.
 */
export async function confirmationLinks(tenant: Tenant, signer: Signer, meetingId: string, viewer: { memberId: string | null; staff: boolean }, now: Date) {
  const meeting = await tenant.db.meeting.findUnique({
    where: { schoolId_id: { schoolId: tenant.schoolId, id: meetingId } },
    select: { id: true, studentId: true, status: true, endsAt: true, hostRequest: { select: { hostId: true, status: true } } },
  })
  const host = meeting?.hostRequest?.status === 'accepted' ? meeting.hostRequest.hostId : null
  const parties: Party[] = viewer.staff
    ? ['student', 'host']
    : [...(meeting && meeting.studentId === viewer.memberId ? ['student' as const] : []), ...(viewer.memberId && host === viewer.memberId ? ['host' as const] : [])]
  if (!meeting || parties.length === 0) throw notFound('meeting')
  if (!meeting.endsAt || !HELD_STATUSES.includes(meeting.status)) throw new Problem('conflict', `A meeting that is ${meeting.status} has no time to confirm`)
  if (meeting.endsAt > now) throw new Problem('conflict', 'The links are given once the meeting has ended', { extensions: { endsAt: meeting.endsAt.toISOString() } })
  const expiresAt = new Date(meeting.endsAt.getTime() + CONFIRMATION_DAYS * DAY)
  if (expiresAt <= now) throw new Problem('conflict', `The links expired ${CONFIRMATION_DAYS} days after the meeting`)
  const link = async (party: Party) => {
    const token = await signer.keys.sign(
      { token_use: 'meeting_confirmation', school: tenant.schoolId, party },
      { issuer: signer.issuer, audience: CONFIRMATION_AUDIENCE, subject: meetingId, ttlSeconds: Math.floor((expiresAt.getTime() - now.getTime()) / 1000), typ: CONFIRMATION_LINK_TYPE },
    )
    return `${signer.publicUrl}/v1/confirmations?link=${token}`
  }
  return {
    meetingId,
    expiresAt: expiresAt.toISOString(),
    student: parties.includes('student') ? await link('student') : null,
    host: parties.includes('host') ? await link('host') : null,
  }
}

/** What a link names, once its signature, audience and lifetime hold; else 404 (a link is all or nothing). */
export async function readLink(database: Database, signer: Signer, token: string) {
  let payload
  try {
    ;({ payload } = await jwtVerify(token, signer.keys.keySet, { issuer: signer.issuer, audience: CONFIRMATION_AUDIENCE, algorithms: ['ES256', 'EdDSA'], typ: CONFIRMATION_LINK_TYPE }))
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new Problem('not-found', 'This confirmation link has expired')
    throw new Problem('not-found', 'No such confirmation link')
  }
  const { school, party, token_use: use, sub } = payload as { school?: unknown; party?: unknown; token_use?: unknown; sub?: string }
  if (use !== 'meeting_confirmation' || typeof school !== 'string' || (party !== 'student' && party !== 'host') || !sub) throw new Problem('not-found', 'No such confirmation link')
  const tenant = database.forSchool(school)
  const meeting = await meetingAndAnswer(tenant, sub, party)
  if (!meeting) throw new Problem('not-found', 'No such confirmation link')
  return { tenant, meetingId: sub, party: party as Party, meeting }
}

/** The meeting a link names, with the party's answer if given. */
async function meetingAndAnswer(tenant: Tenant, meetingId: string, party: Party) {
  const [meeting] = await tenant.sql<{ kind: string; status: string; startsAt: Date; endsAt: Date; answer: string | null; answeredAt: Date | null }>(Prisma.sql`
    SELECT m.kind::text AS kind, m.status::text AS status, m.starts_at AS "startsAt", m.ends_at AS "endsAt", c.outcome AS answer, c.confirmed_at AS "answeredAt"
      FROM meetings m LEFT JOIN meeting_confirmations c ON c.school_id = m.school_id AND c.meeting_id = m.id AND c.party = ${party}
     WHERE m.school_id = ${tenant.schoolId}::uuid AND m.id = ${meetingId}::uuid`)
  return meeting
}

export function describeLink(link: Awaited<ReturnType<typeof readLink>>) {
  return {
    meeting: { id: link.meetingId, kind: link.meeting.kind, status: link.meeting.status, startsAt: link.meeting.startsAt.toISOString(), endsAt: link.meeting.endsAt.toISOString() },
    party: link.party,
    outcome: link.meeting.answer as Outcome | null,
    answeredAt: link.meeting.answeredAt?.toISOString() ?? null,
    choices: ['happened', 'no_show'],
  }
}

/**
 * Records the party's answer (once; the same answer again changes nothing, another is a 409) and
 * applies it to a meeting still scheduled: "happened" completes it (as ending at its agreed end), "no_show" closes it as no_show.
 * A meeting already completed or closed keeps its status; the answer still counts for reliability.
 */
export async function answer(link: Awaited<ReturnType<typeof readLink>>, outcome: Outcome, now: Date) {
  const { tenant, meetingId, party } = link
  await tenant.db.$transaction(async (tx) => {
    const [owner] = await tx.$queryRaw<Array<{ studentId: string }>>`SELECT student_id::text AS "studentId" FROM meetings WHERE school_id = ${tenant.schoolId}::uuid AND id = ${meetingId}::uuid`
    if (!owner) throw new Problem('not-found', 'No such confirmation link')
    // The order the meeting transitions lock in: the host request, then the meeting.
    const hostRequest = await lockMeetingHostRequest(tx, tenant.schoolId, meetingId, owner.studentId)
    const [meeting] = await tx.$queryRaw<Array<{ status: string }>>`
      SELECT status::text AS status FROM meetings WHERE school_id = ${tenant.schoolId}::uuid AND id = ${meetingId}::uuid FOR UPDATE`
    const inserted = await tx.$queryRaw<Array<{ outcome: string }>>`
      INSERT INTO meeting_confirmations (school_id, meeting_id, party, outcome, confirmed_at) VALUES (${tenant.schoolId}::uuid, ${meetingId}::uuid, ${party}, ${outcome}, ${now})
      ON CONFLICT DO NOTHING RETURNING outcome`
    if (!inserted.length) {
      const [earlier] = await tx.$queryRaw<Array<{ outcome: string }>>`
        SELECT outcome FROM meeting_confirmations WHERE school_id = ${tenant.schoolId}::uuid AND meeting_id = ${meetingId}::uuid AND party = ${party}`
      if (earlier?.outcome === outcome) return
      throw new Problem('conflict', `This link was already answered: ${earlier?.outcome}`, { extensions: { outcome: earlier?.outcome } })
    }
    if (meeting!.status !== 'scheduled' && meeting!.status !== 'resume_sent') return
    const absent = party === 'student' ? 'the host' : 'the student'
    await tx.$executeRaw`
      UPDATE meetings SET ${outcome === 'happened'
        ? Prisma.sql`status = 'completed', completed_at = ${now}, ended_at = ends_at`
        : Prisma.sql`status = 'no_show', closed_at = ${now}, closed_reason = ${`Reported through the ${party}'s confirmation link: ${absent} did not come`}`}, updated_at = now()
       WHERE school_id = ${tenant.schoolId}::uuid AND id = ${meetingId}::uuid`
    if (hostRequest?.status === 'accepted') await syncHostBooking(tx, tenant.schoolId, meetingId)
  })
  return describeLink({ ...link, meeting: (await meetingAndAnswer(tenant, meetingId, party))! })
}

/**
 * A member's reliability from the other party's answers: as a student, what hosts said about the
 * meetings the student asked for; as a host (of meetings whose host request they accepted), what students
 * said. `reliability` is the share of answered meetings where the other party said it happened.
 */
export async function reliability(tenant: Tenant, memberId: string) {
  const member = await tenant.db.member.findUnique({ where: { schoolId_id: { schoolId: tenant.schoolId, id: memberId } }, select: { id: true } })
  if (!member) throw notFound('member')
  const [row] = await tenant.sql<{ sHappened: number; sNoShow: number; hHappened: number; hNoShow: number }>(Prisma.sql`
    SELECT count(*) FILTER (WHERE m.student_id = ${memberId}::uuid AND c.party = 'host' AND c.outcome = 'happened')::int AS "sHappened",
           count(*) FILTER (WHERE m.student_id = ${memberId}::uuid AND c.party = 'host' AND c.outcome = 'no_show')::int AS "sNoShow",
           count(*) FILTER (WHERE h.host_id = ${memberId}::uuid AND c.party = 'student' AND c.outcome = 'happened')::int AS "hHappened",
           count(*) FILTER (WHERE h.host_id = ${memberId}::uuid AND c.party = 'student' AND c.outcome = 'no_show')::int AS "hNoShow"
      FROM meeting_confirmations c
      JOIN meetings m ON m.school_id = c.school_id AND m.id = c.meeting_id
      LEFT JOIN host_requests h ON h.school_id = m.school_id AND h.meeting_id = m.id AND h.status = 'accepted'
     WHERE c.school_id = ${tenant.schoolId}::uuid AND (m.student_id = ${memberId}::uuid OR h.host_id = ${memberId}::uuid)`)
  const figure = (happened: number, noShow: number) => ({ confirmed: happened, noShows: noShow, reliability: happened + noShow > 0 ? happened / (happened + noShow) : null })
  return { memberId, asStudent: figure(row!.sHappened, row!.sNoShow), asHost: figure(row!.hHappened, row!.hNoShow) }
}
