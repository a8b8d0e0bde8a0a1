// Outreach: each attempt to reach a contact, and how it turned out. Reply rates are counted per
// attempt: an attempt is answered when its outcome is replied, declined or agreed.
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { Problem, notFound } from '../../infra/http/problem.js'
import type { Outreach as OutreachRow } from '../../generated/prisma/client.js'
import { requestedStudentScope } from '../contacts/access.js'
import { findOwnContact, findReadableContact } from '../contacts/service.js'
import { CONTACT_SOURCES } from '../contacts/schemas.js'
import { type CreateOutreachBody, OUTREACH_CHANNELS, type OutreachBody, type UpdateOutreachBody } from './schemas.js'
import { jobAskWarnings } from '../guide/job-ask.js'

const CLOCK_SKEW_MS = 5 * 60_000

export function toOutreach(row: OutreachRow, referralId: string | null = null): OutreachBody {
  return {
    id: row.id,
    contactId: row.contactId,
    studentId: row.studentId,
    channel: row.channel,
    sentAt: row.sentAt.toISOString(),
    message: row.message,
    mutualContact: row.mutualContact,
    referralId,
    outcome: row.outcome,
    outcomeAt: row.outcomeAt?.toISOString() ?? null,
    warnings: jobAskWarnings('message', row.message),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/**
 * The recorded referral an outreach's mutual contact stands for: among the referrals of this contact,
 * the one whose referrer (a contact's full name, or the name given) is the mutual contact named, in
 * any case; else, when the contact was referred once, that one. Null when nothing matches.
 */
async function referralsByMutualContact({ db, schoolId }: Tenant, contactId: string, named: Array<string | null>) {
  // Nothing to link when no outreach names a mutual contact (most outreach): no query.
  if (named.every((name) => !name)) return () => null
  const referrals = await db.referral.findMany({
    where: { schoolId, referredContactId: contactId },
    select: { id: true, referrerName: true, referrerContact: { select: { fullName: true } } },
    orderBy: { id: 'asc' },
  })
  const key = (name: string) => name.trim().toLowerCase()
  return (mutualContact: string | null) => {
    if (!mutualContact) return null
    const named = referrals.find((referral) => key(referral.referrerContact?.fullName ?? referral.referrerName ?? '') === key(mutualContact))
    return named?.id ?? (referrals.length === 1 ? referrals[0]!.id : null)
  }
}

function pastOrNow(value: string | undefined, field: string, now: Date): Date {
  const when = value ? new Date(value) : now
  if (when.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new Problem('validation-failed', `${field} is in the future`, { extensions: { errors: [{ field: `body.${field}`, message: 'must not be in the future' }] } })
  }
  return when
}

export async function logOutreach(tenant: Tenant, principal: Principal, contactId: string, input: CreateOutreachBody, now: Date) {
  const contact = await findOwnContact(tenant, principal, contactId)
  const { db, schoolId } = tenant
  const sentAt = pastOrNow(input.sentAt, 'sentAt', now)
  if (contact.source === 'referral' && !input.mutualContact) {
    const earlier = await db.outreach.count({ where: { schoolId, contactId } })
    if (earlier === 0) {
      throw new Problem('validation-failed', 'The first outreach to a referred contact names the mutual contact who referred you', {
        extensions: { errors: [{ field: 'body.mutualContact', message: 'is required on the first outreach to a referral-sourced contact' }] },
      })
    }
  }
  const outcome = input.outcome ?? 'no_reply'
  const row = await db.outreach.create({
    data: {
      schoolId,
      contactId,
      studentId: contact.studentId,
      channel: input.channel,
      sentAt,
      message: input.message ?? null,
      mutualContact: input.mutualContact ?? null,
      outcome,
      outcomeAt: outcome === 'no_reply' ? null : now,
    },
  })
  return toOutreach(row, (await referralsByMutualContact(tenant, contactId, [row.mutualContact]))(row.mutualContact))
}

export async function listOutreach(tenant: Tenant, principal: Principal, contactId: string) {
  await findReadableContact(tenant, principal, contactId)
  // One contact's attempts are few; the list is bounded all the same.
  const rows = await tenant.db.outreach.findMany({ where: { schoolId: tenant.schoolId, contactId }, orderBy: { sentAt: 'asc' }, take: 500 })
  const referralOf = await referralsByMutualContact(tenant, contactId, rows.map((row) => row.mutualContact))
  return { items: rows.map((row) => toOutreach(row, referralOf(row.mutualContact))) }
}

export async function recordOutcome(tenant: Tenant, principal: Principal, contactId: string, outreachId: string, input: UpdateOutreachBody, now: Date) {
  await findOwnContact(tenant, principal, contactId)
  const { db, schoolId } = tenant
  const current = await db.outreach.findFirst({ where: { schoolId, id: outreachId, contactId } })
  if (!current) throw notFound('outreach')
  const outcomeAt = input.outcome === 'no_reply' ? null : pastOrNow(input.outcomeAt, 'outcomeAt', now)
  if (outcomeAt && outcomeAt < current.sentAt) {
    throw new Problem('validation-failed', 'The answer cannot come before the outreach was sent', {
      extensions: { errors: [{ field: 'body.outcomeAt', message: 'must not be before sentAt' }] },
    })
  }
  const row = await db.outreach.update({ where: { schoolId_id: { schoolId, id: outreachId } }, data: { outcome: input.outcome, outcomeAt } })
  return toOutreach(row, (await referralsByMutualContact(tenant, contactId, [row.mutualContact]))(row.mutualContact))
}

interface RateRow {
  key: string
  attempts: number
  replies: number
  agreed: number
}

function rate(row: RateRow | undefined) {
  const attempts = row?.attempts ?? 0
  return { attempts, replies: row?.replies ?? 0, agreed: row?.agreed ?? 0, replyRate: attempts ? (row?.replies ?? 0) / attempts : null }
}

/** Reply rates by how the student knows the contact and by channel, aggregated in SQL. */
export async function outreachStats({ db, schoolId }: Tenant, principal: Principal, requestedStudent?: string) {
  const studentId = await requestedStudentScope({ db, schoolId }, principal, requestedStudent)
  const rows = await db.$queryRaw<Array<RateRow & { grouping: 'source' | 'channel' | 'all' }>>`
    SELECT CASE WHEN GROUPING(c.source) = 0 THEN 'source' WHEN GROUPING(o.channel) = 0 THEN 'channel' ELSE 'all' END AS grouping,
           coalesce(c.source::text, o.channel::text, 'all') AS key,
           count(*)::int AS attempts,
           count(*) FILTER (WHERE o.outcome <> 'no_reply')::int AS replies,
           count(*) FILTER (WHERE o.outcome = 'agreed')::int AS agreed
      FROM outreach o
      JOIN contacts c ON c.school_id = o.school_id AND c.id = o.contact_id
     WHERE o.school_id = ${schoolId}::uuid
       AND (${studentId ?? null}::uuid IS NULL OR o.student_id = ${studentId ?? null}::uuid)
     GROUP BY GROUPING SETS ((c.source), (o.channel), ())`
  const find = (grouping: string, key: string) => rows.find((row) => row.grouping === grouping && row.key === key)
  return {
    overall: rate(find('all', 'all')),
    bySource: CONTACT_SOURCES.map((source) => ({ source, ...rate(find('source', source)) })),
    byChannel: OUTREACH_CHANNELS.map((channel) => ({ channel, ...rate(find('channel', channel)) })),
  }
}
