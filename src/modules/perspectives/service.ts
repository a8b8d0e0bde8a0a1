// "Remember that this is one view of many. Try conducting multiple interviews or shadows in order to
// gain a variety of perspectives." The student's own view of it: whom they have heard from, in which
// fields of interest they have one view or none, and whom to reach next.
//
// The definitions are the advisors' report's (GraphQL Report.perspectives, singleViews and the
// students' activity): a person is heard from in a meeting held (completed) in the range, counted by
// the day it was completed in the school's time zone; organizations, industries and occupations are
// the contact's, compared as the report compares them (trimmed, lower case: report_key), and shown as
// the contacts spell them. A field of interest has a view from each person met whose industry or
// occupation it is.
//
// Suggestions, for another view: the student's own contacts not met yet (none with a meeting under
// way), and alumni hosts accepting requests, first those in a field of interest nobody has spoken
// about yet, then those in a field heard from one person only. A host who opted out of directory
// information is never suggested, and a host's name is shown only when they share it.
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import { can } from '../../infra/auth/policy.js'
import type { Database, Tenant } from '../../infra/db/database.js'
import { notFound } from '../../infra/http/problem.js'
import { boundAt } from '../../infra/http/range.js'
import { displayName } from '../members/display.js'
import { schoolOf } from '../schools/settings.js'
import type { PerspectivesBody, PerspectivesQueryBody } from './schemas.js'

export const ONE_VIEW_OF_MANY =
  'Remember that this is one view of many. Try conducting multiple interviews or shadows in order to gain a variety of perspectives.'

const SUGGESTIONS_PER_KIND = 5

/** As report_key compares names: trimmed of spaces, lower case. */
const key = (value: string | null | undefined) => (value ?? '').replace(/^ +| +$/g, '').toLowerCase()

interface Held {
  kind: 'informational_interview' | 'job_shadow'
  contactId: string
  day: string
  organization: string | null
  industry: string | null
  occupation: string | null
}

type Counts = PerspectivesBody['totals']

function counts(held: Held[]): Counts {
  const distinct = (pick: (h: Held) => string) => new Set(held.map(pick).filter(Boolean)).size
  return {
    meetings: held.length,
    people: distinct((h) => h.contactId),
    organizations: distinct((h) => key(h.organization)),
    industries: distinct((h) => key(h.industry)),
    occupations: distinct((h) => key(h.occupation)),
  }
}

/** Each name's people, most first: the name as the lowest contact id spells it. */
function heardFrom(held: Held[], pick: (h: Held) => string | null) {
  const byKey = new Map<string, { name: string; first: string; people: Set<string> }>()
  for (const h of held) {
    const k = key(pick(h))
    if (!k) continue
    const entry = byKey.get(k) ?? { name: '', first: '', people: new Set<string>() }
    if (!entry.first || h.contactId < entry.first) [entry.first, entry.name] = [h.contactId, pick(h)!.replace(/^ +| +$/g, '')]
    entry.people.add(h.contactId)
    byKey.set(k, entry)
  }
  return [...byKey.entries()]
    .map(([k, { name, first, people }]) => ({ key: k, name, first, people: people.size }))
    .sort((a, b) => b.people - a.people || a.key.localeCompare(b.key))
}

export async function studentPerspectives(
  database: Pick<Database, 'schools'>,
  tenant: Tenant,
  principal: Principal,
  studentId: string,
  query: PerspectivesQueryBody,
  now: Date,
): Promise<PerspectivesBody> {
  const { db, schoolId } = tenant
  if (!can(principal, 'students:read-all') && principal.memberId !== studentId) throw notFound('member')
  const student = await db.member.findFirst({ where: { schoolId, id: studentId, roles: { has: 'student' } }, select: { fieldsOfInterest: true } })
  if (!student) throw notFound('member')
  const { timeZone } = await schoolOf(database, schoolId)
  const to = query.to ?? DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!
  const from = query.from ?? null

  const meetings = await db.meeting.findMany({
    where: {
      schoolId,
      studentId,
      completedAt: { not: null, ...(from ? { gte: boundAt(from, timeZone, 'from') } : {}), lt: boundAt(to, timeZone, 'to') },
    },
    select: { kind: true, contactId: true, completedAt: true, contact: { select: { organization: true, industry: true, occupation: true } } },
    orderBy: [{ completedAt: 'asc' }, { id: 'asc' }],
  })
  const held: Held[] = meetings.map((m) => ({
    kind: m.kind,
    contactId: m.contactId,
    day: DateTime.fromJSDate(m.completedAt!, { zone: timeZone }).toISODate()!,
    ...m.contact,
  }))

  const overTime: PerspectivesBody['overTime'] = []
  const seen = new Set<string>()
  for (const h of held) {
    const month = h.day.slice(0, 7)
    let bucket = overTime[overTime.length - 1]
    if (bucket?.month !== month) overTime.push((bucket = { month, meetings: 0, newPeople: 0, people: seen.size }))
    bucket.meetings++
    if (!seen.has(h.contactId)) {
      seen.add(h.contactId)
      bucket.newPeople++
      bucket.people = seen.size
    }
  }

  const industries = heardFrom(held, (h) => h.industry)
  const singlePerspective = industries.filter((i) => i.people === 1).sort((a, b) => a.key.localeCompare(b.key)).map((i) => ({ industry: i.name, contactId: i.first }))
  const fieldsOfInterest = student.fieldsOfInterest.map((field) => {
    const people = new Set(held.filter((h) => key(h.industry) === key(field) || key(h.occupation) === key(field)).map((h) => h.contactId)).size
    return { field, people, perspectives: people === 0 ? ('none' as const) : people === 1 ? ('one' as const) : ('several' as const) }
  })

  // Fields worth another view, most wanted first: a field of interest nobody spoke about, then one with
  // a single view (a field of interest, or any industry heard from one person).
  const wanted = new Map<string, { field: string; reason: string }>()
  for (const f of fieldsOfInterest.filter((f) => f.perspectives === 'none')) wanted.set(key(f.field), { field: f.field, reason: `a field of interest you have not heard about from anyone yet` })
  for (const f of fieldsOfInterest.filter((f) => f.perspectives === 'one')) if (!wanted.has(key(f.field))) wanted.set(key(f.field), { field: f.field, reason: 'a second view: so far you have heard one person in it' })
  for (const s of singlePerspective) if (!wanted.has(key(s.industry))) wanted.set(key(s.industry), { field: s.industry, reason: 'a second view: so far you have heard one person in it' })
  const rank = [...wanted.keys()]

  return {
    studentId,
    from,
    to,
    totals: counts(held),
    byKind: { informational_interview: counts(held.filter((h) => h.kind === 'informational_interview')), job_shadow: counts(held.filter((h) => h.kind === 'job_shadow')) },
    overTime,
    heardFrom: {
      organizations: heardFrom(held, (h) => h.organization).map(({ name, people }) => ({ name, people })),
      industries: industries.map(({ name, people }) => ({ name, people })),
      occupations: heardFrom(held, (h) => h.occupation).map(({ name, people }) => ({ name, people })),
    },
    fieldsOfInterest,
    singlePerspective,
    suggestions: [...(await contactSuggestions(tenant, studentId, wanted, rank, industries)), ...(await hostSuggestions(tenant, studentId, wanted, rank))],
    advice: ONE_VIEW_OF_MANY,
  }
}

/** The student's contacts never met and with no meeting under way, those in a wanted field first. */
async function contactSuggestions({ db, schoolId }: Tenant, studentId: string, wanted: Map<string, { field: string; reason: string }>, rank: string[], heard: Array<{ key: string }>) {
  const contacts = await db.contact.findMany({
    where: { schoolId, studentId, meetings: { none: { status: { in: ['requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent'] } } } },
    select: { id: true, fullName: true, organization: true, industry: true, occupation: true },
    orderBy: { id: 'asc' },
    take: 500,
  })
  const heardKeys = new Set(heard.map((h) => h.key))
  return contacts
    .map((c) => {
      const fieldKey = [key(c.industry), key(c.occupation)].find((k) => k && wanted.has(k))
      const w = fieldKey ? wanted.get(fieldKey)! : null
      const newIndustry = key(c.industry) && !heardKeys.has(key(c.industry))
      const order = fieldKey ? rank.indexOf(fieldKey) : newIndustry ? rank.length : rank.length + 1
      const field = w?.field ?? (c.industry?.trim() || c.occupation?.trim() || 'your network')
      const reason = w
        ? `${c.fullName} works in ${w.field}, ${w.reason}.`
        : newIndustry
          ? `${c.fullName} works in ${c.industry!.trim()}, an industry you have not heard from yet.`
          : `${c.fullName} is in your network and you have not met yet.`
      return { order, suggestion: { kind: 'contact' as const, contactId: c.id, hostId: null, name: c.fullName, organization: c.organization, field, reason } }
    })
    .sort((a, b) => a.order - b.order)
    .slice(0, SUGGESTIONS_PER_KIND)
    .map((s) => s.suggestion)
}

/** Alumni hosts accepting requests in a wanted field, never one the student met already. */
async function hostSuggestions({ db, schoolId }: Tenant, studentId: string, wanted: Map<string, { field: string; reason: string }>, rank: string[]) {
  if (!wanted.size) return []
  const hosts = await db.hostProfile.findMany({
    where: {
      schoolId,
      accepting: true,
      memberId: { not: studentId },
      member: { status: 'active', directoryOptOut: false, alumniContacts: { none: { studentId, meetings: { some: { completedAt: { not: null } } } } } },
    },
    select: { memberId: true, organization: true, industries: true, occupations: true, member: { select: { givenName: true, familyName: true, shareName: true } } },
    orderBy: { memberId: 'asc' },
    take: 2000,
  })
  return hosts
    .flatMap((h) => {
      const fieldKey = rank.find((k) => [...h.industries, ...h.occupations].some((f) => key(f) === k))
      if (!fieldKey) return []
      const w = wanted.get(fieldKey)!
      const name = h.member.shareName ? displayName(h.member) : null
      return [{ order: rank.indexOf(fieldKey), suggestion: { kind: 'host' as const, contactId: null, hostId: h.memberId, name, organization: h.organization, field: w.field, reason: `${name ?? 'An alumni host'} at ${h.organization} volunteers to talk about ${w.field}, ${w.reason}.` } }]
    })
    .sort((a, b) => a.order - b.order)
    .slice(0, SUGGESTIONS_PER_KIND)
    .map((s) => s.suggestion)
}
