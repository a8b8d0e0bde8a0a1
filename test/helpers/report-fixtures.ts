// Report fixtures and the independent computation of every report metric.
//
// seedReportFixtures() fills one school with students, hosts, contacts, outreach, meetings in every
// status, referral chains and host requests, every timestamp chosen here by a seeded generator and
// written straight into the tables (RLS-scoped Prisma), so the same seed gives the same rows. The
// `expected*` functions compute each metric from those rows in plain TypeScript, from the
// definitions in src/graphql/schema.ts: no SQL, no report_cells. Days are school-local dates found
// with Intl, not with PostgreSQL.
import type { Tenant } from '../../src/infra/db/database.js'
import type { TestApp, TestSchool } from './app.js'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export const MEETING_KINDS = ['informational_interview', 'job_shadow'] as const
export const MEETING_STATUSES = ['requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show'] as const
export const CONTACT_SOURCES = ['personal', 'referral', 'organization', 'alumni_network', 'cold'] as const
export const OUTREACH_CHANNELS = ['email', 'linkedin', 'phone', 'introduction', 'organization'] as const
export const FUNNEL_STEPS = ['contacts_added', 'outreach_sent', 'replies', 'meetings_requested', 'scheduled', 'completed', 'thank_you_sent'] as const
const MEETING_STEPS = ['meetings_requested', 'scheduled', 'completed', 'thank_you_sent'] as const
/** The last histogram bar counts this many or more. */
export const HISTOGRAM_TOP = 10
/** The mean Gregorian month, which capacity per month is spread over. */
export const DAYS_PER_MONTH = 365.2425 / 12

export type MeetingKind = (typeof MEETING_KINDS)[number]
export type MeetingStatus = (typeof MEETING_STATUSES)[number]
export type ContactSource = (typeof CONTACT_SOURCES)[number]
export const CONTACT_RELATIONSHIPS = ['family', 'friend', 'professor', 'classmate', 'colleague', 'alumni', 'other'] as const
export type ContactRelationship = (typeof CONTACT_RELATIONSHIPS)[number]
export const CONTACT_REASONS = ['considered_field', 'similar_path', 'knows_organization'] as const
export type ContactReason = (typeof CONTACT_REASONS)[number]
export type OutreachChannel = (typeof OUTREACH_CHANNELS)[number]
export type OutreachOutcome = 'no_reply' | 'replied' | 'declined' | 'agreed'
export type HostRequestStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'expired'

export interface StudentFixture {
  id: string
  externalId: string
  major: string | null
  graduationYear: number | null
  fieldsOfInterest: string[]
  backgroundTags: string[]
  shareBackgroundTags: boolean
  programIds: string[]
}

export interface HostFixture {
  id: string
  organization: string
  industries: string[]
  accepting: boolean
  maxMeetingsPerMonth: number
}

export interface ContactFixture {
  id: string
  studentId: string
  fullName: string
  organization: string | null
  industry: string | null
  source: ContactSource
  relationship: ContactRelationship | null
  reasons: ContactReason[]
  alumniMemberId: string | null
  createdAt: Date
}

export interface OutreachFixture {
  id: string
  studentId: string
  contactId: string
  channel: OutreachChannel
  sentAt: Date
  outcome: OutreachOutcome
}

export interface MeetingFixture {
  id: string
  studentId: string
  contactId: string
  kind: MeetingKind
  status: MeetingStatus
  createdAt: Date
  startsAt: Date | null
  endsAt: Date | null
  completedAt: Date | null
  thankYouDueAt: Date | null
  thankYouSentAt: Date | null
  thankYouOnTime: boolean | null
}

export interface ReferralFixture {
  id: string
  studentId: string
  referrerContactId: string | null
  referrerName: string | null
  referredContactId: string
  meetingId: string | null
  createdAt: Date
}

export interface HostRequestFixture {
  id: string
  groupId: string
  studentId: string
  hostId: string
  meetingId: string
  status: HostRequestStatus
  createdAt: Date
  respondedAt: Date | null
  startsAt: Date | null
  endsAt: Date | null
  expiresAt: Date
}

export interface Fixtures {
  schoolId: string
  timeZone: string
  thankYouWindowHours: number
  now: Date
  programId: string
  students: StudentFixture[]
  hosts: HostFixture[]
  contacts: ContactFixture[]
  outreach: OutreachFixture[]
  meetings: MeetingFixture[]
  referrals: ReferralFixture[]
  hostRequests: HostRequestFixture[]
}

export interface Range {
  from: string
  to: string
}

export interface Filter {
  major?: string
  graduationYear?: number
  backgroundTag?: string
  field?: string
  programId?: string
}

// ---------------------------------------------------------------------------------------------
// A seeded generator (mulberry32): the same seed gives the same fixtures, ids included.

export function generator(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!,
    weighted: <T>(entries: ReadonlyArray<readonly [T, number]>): T => {
      let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0)
      for (const [value, weight] of entries) if ((roll -= weight) < 0) return value
      return entries.at(-1)![0]
    },
    /** A version-4 UUID made of the generator's bits. */
    uuid: () => {
      const hex = Array.from({ length: 4 }, () => int(0, 0xffffffff).toString(16).padStart(8, '0')).join('').split('')
      hex[12] = '4'
      hex[16] = '89ab'[parseInt(hex[16]!, 16) % 4]!
      const s = hex.join('')
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
    },
    /** An instant between two others, on a whole minute. */
    between: (from: Date, to: Date) => new Date(Math.floor((from.getTime() + next() * (to.getTime() - from.getTime())) / MINUTE) * MINUTE),
  }
}
export type Generator = ReturnType<typeof generator>

// ---------------------------------------------------------------------------------------------
// The fixtures.

const at = (iso: string) => new Date(iso)
const later = (instant: Date, ms: number) => new Date(instant.getTime() + ms)
const earliest = (...instants: Date[]) => new Date(Math.min(...instants.map((instant) => instant.getTime())))

/** Students, each with what the filters look at; the first are the ones the boundary cases use. */
const STUDENT_PROFILES: Array<Omit<StudentFixture, 'id' | 'externalId' | 'programIds'> & { inProgram: boolean; active: boolean }> = [
  { major: 'Biology', graduationYear: 2026, fieldsOfInterest: ['Health'], backgroundTags: ['first-generation'], shareBackgroundTags: true, inProgram: true, active: true },
  { major: 'Biology', graduationYear: 2027, fieldsOfInterest: ['Health', 'Technology'], backgroundTags: ['first-generation', 'veteran'], shareBackgroundTags: false, inProgram: false, active: true },
  { major: 'History', graduationYear: 2026, fieldsOfInterest: ['Law', 'Education'], backgroundTags: [], shareBackgroundTags: true, inProgram: true, active: true },
  { major: 'Economics', graduationYear: 2028, fieldsOfInterest: ['Finance'], backgroundTags: ['transfer'], shareBackgroundTags: true, inProgram: false, active: true },
  { major: 'Economics', graduationYear: 2027, fieldsOfInterest: ['Finance', 'Technology'], backgroundTags: ['first-generation', 'transfer'], shareBackgroundTags: true, inProgram: true, active: true },
  { major: 'Biology', graduationYear: 2028, fieldsOfInterest: [], backgroundTags: ['veteran'], shareBackgroundTags: true, inProgram: false, active: true },
  { major: 'Computer Science', graduationYear: 2026, fieldsOfInterest: ['Technology'], backgroundTags: ['first-generation'], shareBackgroundTags: false, inProgram: true, active: true },
  { major: 'Computer Science', graduationYear: 2027, fieldsOfInterest: ['Technology', 'Finance'], backgroundTags: [], shareBackgroundTags: true, inProgram: false, active: true },
  { major: 'History', graduationYear: 2027, fieldsOfInterest: ['Education'], backgroundTags: ['first-generation'], shareBackgroundTags: true, inProgram: false, active: true },
  { major: 'Nursing', graduationYear: 2026, fieldsOfInterest: ['Health'], backgroundTags: ['veteran', 'first-generation'], shareBackgroundTags: true, inProgram: true, active: true },
  { major: 'Nursing', graduationYear: 2028, fieldsOfInterest: ['Health', 'Education'], backgroundTags: [], shareBackgroundTags: true, inProgram: false, active: true },
  { major: 'Economics', graduationYear: 2026, fieldsOfInterest: ['Law'], backgroundTags: ['transfer'], shareBackgroundTags: false, inProgram: true, active: true },
  { major: 'Biology', graduationYear: 2026, fieldsOfInterest: ['Health'], backgroundTags: ['first-generation'], shareBackgroundTags: true, inProgram: true, active: false },
  { major: 'History', graduationYear: 2028, fieldsOfInterest: ['Law'], backgroundTags: [], shareBackgroundTags: true, inProgram: false, active: false },
]

const HOST_PROFILES: Array<Omit<HostFixture, 'id'> & { weight: number }> = [
  { organization: 'Mercy Hospital', industries: ['Health'], accepting: true, maxMeetingsPerMonth: 4, weight: 8 },
  { organization: 'Acme Bank', industries: ['Finance'], accepting: true, maxMeetingsPerMonth: 2, weight: 4 },
  { organization: 'City Law', industries: ['Law'], accepting: false, maxMeetingsPerMonth: 3, weight: 2 },
  { organization: 'Northwind', industries: ['Technology'], accepting: true, maxMeetingsPerMonth: 1, weight: 1 },
  { organization: 'Lakeside School', industries: ['Education'], accepting: true, maxMeetingsPerMonth: 0, weight: 1 },
  { organization: 'Globex', industries: ['Technology', 'Finance'], accepting: true, maxMeetingsPerMonth: 5, weight: 0 },
]

/** Organizations and industries as students type them: case and spaces vary, some are missing. */
const ORGANIZATIONS = ['Mercy Hospital', 'mercy hospital ', 'Acme Bank', 'ACME BANK', 'City Law', 'Northwind', 'Globex', 'Initech', 'Lakeside School', null] as const
const INDUSTRIES = ['Health', ' health', 'Finance', 'FINANCE ', 'Law', 'Technology', 'technology', 'Education', 'Energy', null] as const

/** The span of the generated rows; the clock of the app is `now`. */
const FIRST_ROW = at('2025-11-15T12:00:00Z')

export interface SeedOptions {
  seed: number
  now: Date
}

/**
 * Fills the school with students, hosts and their activity. `school` is a t.school(...) school:
 * its own student (no activity at all) and alumni member (who becomes a host) are used too.
 */
export async function seedReportFixtures(t: TestApp, school: TestSchool, { seed, now }: SeedOptions): Promise<Fixtures> {
  const random = generator(seed)
  const tenant = t.database.forSchool(school.id)
  const schoolId = school.id
  const lastRow = later(now, -HOUR)

  // Members: the school's own student has no major and does nothing; the profiles above add the rest.
  const programId = random.uuid()
  await tenant.db.program.create({
    data: { schoolId, id: programId, name: 'Spring shadowing', kind: 'job_shadow', modes: ['in_person'], startsOn: new Date('2026-03-01'), endsOn: new Date('2026-05-31') },
  })
  const students: StudentFixture[] = [{
    id: school.members.student!.id, externalId: school.members.student!.externalId, major: null, graduationYear: null, fieldsOfInterest: [], backgroundTags: [], shareBackgroundTags: true, programIds: [],
  }]
  const activeStudents: StudentFixture[] = []
  for (const [index, profile] of STUDENT_PROFILES.entries()) {
    const { inProgram, active, ...fields } = profile
    const student: StudentFixture = { id: random.uuid(), externalId: `${school.slug}-s${index}`, ...fields, programIds: inProgram ? [programId] : [] }
    await tenant.db.member.create({
      data: {
        schoolId, id: student.id, externalId: student.externalId, roles: ['student'], givenName: `Student${index}`, familyName: school.slug,
        major: student.major, graduationYear: student.graduationYear, fieldsOfInterest: student.fieldsOfInterest,
        backgroundTags: student.backgroundTags, shareBackgroundTags: student.shareBackgroundTags,
      },
    })
    students.push(student)
    if (active) activeStudents.push(student)
  }
  await tenant.db.programStudent.createMany({
    data: students.filter((student) => student.programIds.length).map((student) => ({ schoolId, programId, studentId: student.id })),
  })

  // Hosts: the school's alumni member and five more; one more alumni without a host profile.
  const hosts: HostFixture[] = []
  const hostWeights: Array<readonly [string, number]> = []
  for (const [index, profile] of HOST_PROFILES.entries()) {
    const { weight, ...fields } = profile
    const id = index === 0 ? school.members.alumni!.id : random.uuid()
    if (index > 0) {
      await tenant.db.member.create({ data: { schoolId, id, externalId: `${school.slug}-host${index}`, roles: ['alumni'], givenName: `Host${index}`, familyName: school.slug } })
    }
    await addHostProfile(tenant, schoolId, { id, ...fields })
    hosts.push({ id, ...fields })
    hostWeights.push([id, weight])
  }
  await tenant.db.member.create({ data: { schoolId, id: random.uuid(), externalId: `${school.slug}-alumnus`, roles: ['alumni'], givenName: 'Alumnus' } })

  const contacts: ContactFixture[] = []
  const outreach: OutreachFixture[] = []
  const meetings: MeetingFixture[] = []
  const referrals: ReferralFixture[] = []
  const hostRequests: HostRequestFixture[] = []
  const window = 24 * HOUR

  // Booked meetings of a student never overlap (the database refuses it): one start per day and student.
  const bookedDays = new Set<string>()
  const slot = (studentId: string, wanted: Date, kind: MeetingKind) => {
    let startsAt = new Date(Date.UTC(wanted.getUTCFullYear(), wanted.getUTCMonth(), wanted.getUTCDate(), random.int(14, 20), random.pick([0, 30])))
    while (bookedDays.has(`${studentId} ${startsAt.toISOString().slice(0, 10)}`)) startsAt = later(startsAt, DAY)
    bookedDays.add(`${studentId} ${startsAt.toISOString().slice(0, 10)}`)
    const endsAt = later(startsAt, kind === 'job_shadow' ? random.int(3, 6) * HOUR : random.pick([30, 45, 60]) * MINUTE)
    return { startsAt, endsAt }
  }

  const addContact = (studentId: string, fields: Partial<ContactFixture> & { createdAt: Date }): ContactFixture => {
    const contact: ContactFixture = {
      id: random.uuid(), studentId, fullName: `Person ${contacts.length + 1}`, organization: random.pick(ORGANIZATIONS), industry: random.pick(INDUSTRIES),
      source: random.pick(CONTACT_SOURCES), alumniMemberId: null,
      // From the contact's place in the list, not the random stream (which the other rows follow):
      // every relationship and none, every set of reasons and none.
      relationship: [...CONTACT_RELATIONSHIPS, null][contacts.length % 8]!,
      reasons: CONTACT_REASONS.filter((_, bit) => (Math.floor(contacts.length / 3) % 8) & (1 << bit)),
      ...fields,
    }
    contacts.push(contact)
    return contact
  }

  /**
   * A meeting that reached `status`, with every timestamp its lifecycle sets: a window once scheduled
   * (and the thank-you deadline `window` after its end), completion after the end, a thank-you note
   * on time or late. A meeting that cannot have been held by `now` stays scheduled.
   */
  const addMeeting = (contact: ContactFixture, reached: MeetingStatus | 'cancelled_after', createdAt: Date, fields: Partial<MeetingFixture> = {}): MeetingFixture => {
    const kind = fields.kind ?? random.weighted([['informational_interview', 3], ['job_shadow', 1]] as const)
    // Cancelled after scheduling keeps its window: it was scheduled, then called off.
    const booked = ['scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'no_show', 'cancelled_after'].includes(reached)
    const meeting: MeetingFixture = {
      id: random.uuid(), studentId: contact.studentId, contactId: contact.id, kind, status: reached === 'cancelled_after' ? 'cancelled' : reached, createdAt,
      startsAt: null, endsAt: null, completedAt: null, thankYouDueAt: null, thankYouSentAt: null, thankYouOnTime: null,
    }
    if (booked) {
      const { startsAt, endsAt } = fields.startsAt ? { startsAt: fields.startsAt, endsAt: fields.endsAt! } : slot(contact.studentId, later(createdAt, random.int(2, 25) * DAY), kind)
      Object.assign(meeting, { startsAt, endsAt, thankYouDueAt: later(endsAt, window) })
      if (['completed', 'thank_you_sent', 'no_show'].includes(meeting.status) && endsAt.getTime() > now.getTime() - HOUR) meeting.status = 'scheduled'
      if (meeting.status === 'completed' || meeting.status === 'thank_you_sent') {
        meeting.completedAt = fields.completedAt ?? earliest(later(endsAt, random.int(0, 36 * 60) * MINUTE), now)
        if (meeting.status === 'thank_you_sent') {
          const sentAt = earliest(later(meeting.completedAt, random.weighted([[random.int(10, 20 * 60), 3], [random.int(24 * 60, 72 * 60), 1]] as const) * MINUTE), now)
          Object.assign(meeting, { thankYouSentAt: sentAt, thankYouOnTime: sentAt.getTime() <= meeting.thankYouDueAt!.getTime() })
        }
      }
    }
    meetings.push(meeting)
    return meeting
  }

  const STATUS_WEIGHTS = [
    ['requested', 2], ['scheduled', 2], ['resume_sent', 1], ['completed', 4], ['thank_you_sent', 5], ['declined', 1], ['cancelled', 1], ['cancelled_after', 1], ['no_show', 1],
  ] as const
  const meetingFor = (contact: ContactFixture) =>
    addMeeting(contact, random.weighted(STATUS_WEIGHTS), earliest(later(contact.createdAt, random.int(60, 15 * 24 * 60) * MINUTE), lastRow))

  for (const student of activeStudents) {
    const count = random.int(6, 15)
    for (let index = 0; index < count; index++) {
      const contact = addContact(student.id, { createdAt: random.between(FIRST_ROW, lastRow) })
      for (let n = random.pick([0, 1, 1, 1, 2]); n > 0; n--) {
        outreach.push({
          id: random.uuid(), studentId: student.id, contactId: contact.id, channel: random.pick(OUTREACH_CHANNELS),
          sentAt: earliest(later(contact.createdAt, random.int(0, 12 * 24 * 60) * MINUTE), lastRow),
          outcome: random.weighted([['no_reply', 3], ['replied', 2], ['declined', 1], ['agreed', 2]] as const),
        })
      }
      if (random.chance(0.65)) meetingFor(contact)
      if (random.chance(0.15)) meetingFor(contact)
    }
  }

  // A busy student who met more different people in the spring than the histogram has bars for.
  const busy = activeStudents[4]!
  for (let index = 0; index < HISTOGRAM_TOP + 2; index++) {
    const contact = addContact(busy.id, { createdAt: random.between(at('2026-02-01T00:00:00Z'), at('2026-03-01T00:00:00Z')) })
    addMeeting(contact, random.pick(['completed', 'thank_you_sent'] as const), later(contact.createdAt, 2 * DAY))
  }

  // School-local boundaries (America/New_York): a week starts on Monday, 2026-02-02 and 2026-03-09
  // (the Monday after clocks went forward on Sunday 2026-03-08); 2026-03-01T04:30Z is still Feb 28.
  const [first, second, third] = activeStudents
  for (const instant of ['2026-02-02T04:59:00Z', '2026-02-02T05:00:00Z', '2026-03-01T04:59:00Z', '2026-03-01T05:00:00Z']) {
    const contact = addContact(first!.id, { createdAt: at(instant), source: 'cold', organization: 'Edge Works', industry: 'Energy' })
    outreach.push({ id: random.uuid(), studentId: first!.id, contactId: contact.id, channel: 'email', sentAt: at(instant), outcome: 'replied' })
    addMeeting(contact, 'requested', at(instant), { kind: 'informational_interview' })
  }
  const edgeContact = addContact(first!.id, { createdAt: at('2026-01-20T15:00:00Z'), source: 'personal', organization: 'Edge Works', industry: 'Energy' })
  for (const [startsAt, completedAt] of [
    ['2026-03-01T04:30:00Z', '2026-03-01T05:30:00Z'], // starts Feb 28 23:30 EST, completed Mar 1 00:30 EST
    ['2026-03-01T05:00:00Z', '2026-03-01T06:00:00Z'], // starts Mar 1 00:00 EST
    ['2026-03-09T03:30:00Z', '2026-03-09T04:15:00Z'], // starts Sunday Mar 8 23:30 EDT, completed 00:15 EDT Monday
    ['2026-03-09T04:30:00Z', '2026-03-09T05:00:00Z'], // starts Monday Mar 9 00:30 EDT
  ] as const) {
    addMeeting(edgeContact, 'completed', at('2026-02-15T15:00:00Z'), { kind: 'informational_interview', startsAt: at(startsAt), endsAt: later(at(startsAt), 30 * MINUTE), completedAt: at(completedAt) })
  }

  // The week clocks went back (Sunday 2025-11-02): 2025-11-03T04:30Z is still Sunday 23:30 EST.
  const fallContact = addContact(first!.id, { createdAt: at('2025-10-20T15:00:00Z'), source: 'organization', organization: 'Fall Works', industry: 'Energy' })
  for (const instant of ['2025-11-03T04:30:00Z', '2025-11-03T05:00:00Z']) addMeeting(fallContact, 'requested', at(instant), { kind: 'job_shadow' })

  // Thank-you notes exactly at the deadline (on time) and a minute after it (late).
  for (const [startsAt, minutesAfterDeadline] of [['2026-04-14T15:00:00Z', 0], ['2026-04-15T15:00:00Z', 1]] as const) {
    const meeting = addMeeting(edgeContact, 'completed', at('2026-04-01T15:00:00Z'), { startsAt: at(startsAt), endsAt: later(at(startsAt), HOUR), completedAt: later(at(startsAt), 2 * HOUR) })
    const sentAt = later(meeting.thankYouDueAt!, minutesAfterDeadline * MINUTE)
    Object.assign(meeting, { status: 'thank_you_sent', thankYouSentAt: sentAt, thankYouOnTime: minutesAfterDeadline === 0 })
  }

  // Referral chains: each step names who suggested whom. Depth 1 from a referrer the student knew
  // without a referral (or named only), 2 and 3 further along; one from a meeting; a second, shorter
  // path to a contact; a chain rooted after the range; a loop with no root.
  const fresh = (student: StudentFixture) => addContact(student.id, { createdAt: random.between(at('2025-12-01T00:00:00Z'), at('2026-06-01T00:00:00Z')), source: 'referral' })
  const refer = (student: StudentFixture, referrer: ContactFixture | string, referred: ContactFixture, createdAt: Date, meetingId: string | null = null) => {
    const referral: ReferralFixture = {
      id: random.uuid(), studentId: student.id, referrerContactId: typeof referrer === 'string' ? null : referrer.id,
      referrerName: typeof referrer === 'string' ? referrer : null, referredContactId: referred.id, meetingId, createdAt,
    }
    referrals.push(referral)
    return referral
  }
  {
    // Depth 1 from a meeting, then 2 and 3.
    const mentor = addContact(first!.id, { createdAt: at('2026-01-05T15:00:00Z'), source: 'personal', organization: 'Mercy Hospital', industry: 'Health' })
    const held = addMeeting(mentor, 'thank_you_sent', at('2026-01-06T15:00:00Z'), { kind: 'informational_interview' })
    const [a, b, c] = [fresh(first!), fresh(first!), fresh(first!)]
    refer(first!, mentor, a!, held.completedAt!, held.id)
    refer(first!, a!, b!, at('2026-03-10T15:00:00Z'))
    refer(first!, b!, c!, at('2026-04-10T15:00:00Z'))
    addMeeting(c!, 'scheduled', at('2026-04-12T15:00:00Z'))
  }
  {
    // A chain of three, and a named referrer who points straight at its end: the shortest path wins.
    const root = addContact(second!.id, { createdAt: at('2025-12-10T15:00:00Z'), source: 'personal' })
    const [a, b, c] = [fresh(second!), fresh(second!), fresh(second!)]
    refer(second!, root, a!, at('2026-01-12T15:00:00Z'))
    refer(second!, a!, b!, at('2026-02-12T15:00:00Z'))
    refer(second!, b!, c!, at('2026-03-12T15:00:00Z'))
    refer(second!, 'Dana from the career fair', c!, at('2026-03-20T15:00:00Z'))
  }
  {
    // Two contacts who each say they heard of the student from the other: no root.
    const [a, b] = [fresh(third!), fresh(third!)]
    refer(third!, a!, b!, at('2026-04-02T15:00:00Z'))
    refer(third!, b!, a!, at('2026-04-03T15:00:00Z'))
    // A step in July whose referrer was referred only in August (recorded late).
    const [x, y, z] = [fresh(third!), fresh(third!), fresh(third!)]
    refer(third!, y!, z!, at('2026-07-15T15:00:00Z'))
    refer(third!, x!, y!, at('2026-08-10T15:00:00Z'))
  }
  // Random chains of one to three steps for most students, sometimes from a held meeting.
  for (const student of activeStudents) {
    for (let chain = random.int(0, 2); chain > 0; chain--) {
      const root = fresh(student)
      let referrer: ContactFixture | string = random.chance(0.3) ? `Friend of ${student.externalId}` : root
      let when = random.between(at('2025-12-01T00:00:00Z'), at('2026-06-01T00:00:00Z'))
      for (let step = random.int(1, 3); step > 0; step--) {
        const referred = fresh(student)
        const held = typeof referrer === 'string' ? undefined : meetings.find((meeting) => meeting.contactId === (referrer as ContactFixture).id && meeting.completedAt)
        refer(student, referrer, referred, held && random.chance(0.7) ? held.completedAt! : when, held ? held.id : null)
        if (random.chance(0.5)) meetingFor(referred)
        referrer = referred
        when = later(when, random.int(3, 40) * DAY)
      }
    }
  }

  // Host requests: each with its own meeting with the host (as the alumni contact), most to a few hosts.
  const hostContact = new Map<string, ContactFixture>()
  const requestTo = (student: StudentFixture, hostId: string, status: HostRequestStatus, createdAt: Date, booking?: { startsAt: Date; endsAt: Date }) => {
    const host = hosts.find((candidate) => candidate.id === hostId)!
    const key = `${student.id} ${hostId}`
    const contact = hostContact.get(key) ?? addContact(student.id, {
      createdAt: later(createdAt, -DAY), source: 'alumni_network', organization: host.organization, industry: host.industries[0]!, alumniMemberId: hostId,
    })
    hostContact.set(key, contact)
    const kind = random.pick(MEETING_KINDS)
    const request: HostRequestFixture = {
      id: random.uuid(), groupId: random.uuid(), studentId: student.id, hostId, meetingId: '', status, createdAt,
      respondedAt: null, startsAt: null, endsAt: null, expiresAt: later(createdAt, 7 * DAY),
    }
    let meeting: MeetingFixture
    if (status === 'accepted') {
      request.respondedAt = earliest(later(createdAt, random.int(30, 96 * 60) * MINUTE), lastRow)
      const held = random.weighted([['completed', 2], ['thank_you_sent', 2], ['no_show', 1], ['scheduled', 2]] as const)
      meeting = addMeeting(contact, held, createdAt, { kind, ...booking })
      Object.assign(request, { startsAt: meeting.startsAt, endsAt: meeting.endsAt })
    } else {
      if (status === 'declined') request.respondedAt = earliest(later(createdAt, random.int(30, 120 * 60) * MINUTE), lastRow)
      meeting = addMeeting(contact, status === 'declined' ? 'declined' : status === 'pending' ? 'requested' : 'cancelled', createdAt, { kind })
    }
    request.meetingId = meeting.id
    hostRequests.push(request)
  }
  for (let index = 0; index < 34; index++) {
    const status = random.weighted([['accepted', 4], ['declined', 3], ['expired', 2], ['withdrawn', 2]] as const)
    requestTo(random.pick(activeStudents), random.weighted(hostWeights), status, random.between(FIRST_ROW, later(now, -8 * DAY)))
  }
  // Booked across the range's edges: asked in December for January, asked in July for August.
  requestTo(first!, hosts[0]!.id, 'accepted', at('2025-12-28T15:00:00Z'), { startsAt: at('2026-01-06T15:00:00Z'), endsAt: at('2026-01-06T16:00:00Z') })
  requestTo(second!, hosts[1]!.id, 'accepted', at('2026-07-28T15:00:00Z'), { startsAt: at('2026-08-04T15:00:00Z'), endsAt: at('2026-08-04T15:30:00Z') })
  // Still waiting: sent in the last six days, so none has expired by `now`.
  for (let index = 0; index < 7; index++) {
    requestTo(random.pick(activeStudents), random.weighted(hostWeights), 'pending', random.between(later(now, -6 * DAY), lastRow))
  }

  await insertRows(tenant, schoolId, { contacts, outreach, meetings, referrals, hostRequests })
  return { schoolId, timeZone: 'America/New_York', thankYouWindowHours: 24, now, programId, students, hosts, contacts, outreach, meetings, referrals, hostRequests }
}

/** A host profile for an alumni member: what the reports read of it, the rest fixed. */
export async function addHostProfile(tenant: Tenant, schoolId: string, host: HostFixture): Promise<void> {
  await tenant.db.hostProfile.create({
    data: {
      schoolId, memberId: host.id, organization: host.organization, industries: host.industries, accepting: host.accepting, timeZone: 'America/New_York',
      offers: ['informational_interview', 'job_shadow'], modes: ['video', 'in_person'], maxMeetingsPerMonth: host.maxMeetingsPerMonth,
      maxShadowDaysPerTerm: 5, maxOpenRequests: 10,
    },
  })
}

/** Writes the rows as they are, timestamps included, through the school's row-level-security client. */
export async function insertRows(
  tenant: Tenant,
  schoolId: string,
  rows: Pick<Fixtures, 'contacts' | 'outreach' | 'meetings' | 'referrals' | 'hostRequests'>,
): Promise<void> {
  const { db } = tenant
  await db.contact.createMany({
    data: rows.contacts.map((contact) => ({
      schoolId, id: contact.id, studentId: contact.studentId, fullName: contact.fullName, organization: contact.organization, industry: contact.industry,
      source: contact.source, relationship: contact.relationship, reasons: contact.reasons, alumniMemberId: contact.alumniMemberId, createdAt: contact.createdAt,
    })),
  })
  await db.outreach.createMany({
    data: rows.outreach.map((entry) => ({
      schoolId, id: entry.id, studentId: entry.studentId, contactId: entry.contactId, channel: entry.channel, sentAt: entry.sentAt, outcome: entry.outcome,
      outcomeAt: entry.outcome === 'no_reply' ? null : later(entry.sentAt, DAY), createdAt: entry.sentAt,
    })),
  })
  await db.meeting.createMany({
    data: rows.meetings.map((meeting) => ({
      schoolId, id: meeting.id, studentId: meeting.studentId, contactId: meeting.contactId, kind: meeting.kind, status: meeting.status,
      purpose: 'To learn how they got where they are', mode: 'video', location: 'https://meet.example/x',
      proposedSlots: meeting.startsAt ? [{ startsAt: meeting.startsAt.toISOString(), endsAt: meeting.endsAt!.toISOString() }] : [],
      startsAt: meeting.startsAt, endsAt: meeting.endsAt, completedAt: meeting.completedAt, thankYouDueAt: meeting.thankYouDueAt,
      thankYouSentAt: meeting.thankYouSentAt, thankYouOnTime: meeting.thankYouOnTime, createdAt: meeting.createdAt,
      closedAt: ['declined', 'cancelled', 'no_show'].includes(meeting.status) ? later(meeting.createdAt, DAY) : null,
    })),
  })
  await db.referral.createMany({
    data: rows.referrals.map((referral) => ({
      schoolId, id: referral.id, studentId: referral.studentId, referrerContactId: referral.referrerContactId, referrerName: referral.referrerName,
      referredContactId: referral.referredContactId, meetingId: referral.meetingId, createdAt: referral.createdAt,
    })),
  })
  await db.hostRequest.createMany({
    data: rows.hostRequests.map((request) => ({
      schoolId, id: request.id, groupId: request.groupId, studentId: request.studentId, hostId: request.hostId, meetingId: request.meetingId,
      status: request.status, createdAt: request.createdAt, respondedAt: request.respondedAt, startsAt: request.startsAt, endsAt: request.endsAt,
      expiresAt: request.expiresAt,
    })),
  })
}

// ---------------------------------------------------------------------------------------------
// The independent computation. Every function reads the fixtures only.

const formats = new Map<string, Intl.DateTimeFormat>()
/** The school-local date of an instant, YYYY-MM-DD. */
export function localDay(instant: Date, timeZone: string): string {
  let format = formats.get(timeZone)
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })))
  return format.format(instant)
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
export const daysIn = (range: Range) => Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY) + 1
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null)
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const count = <T>(rows: readonly T[], keep: (row: T) => unknown) => rows.filter(keep).length
/** An organization or industry as compared: no case, no surrounding spaces; blank is none. */
export const normalized = (value: string | null) => value?.trim().toLowerCase() || null

function median(values: number[]): number | null {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** What one report sees: the range as local dates, the selected students, and row look-ups. */
export function view(fx: Fixtures, range: Range, filter: Filter = {}) {
  const students = fx.students
    .filter((s) => filter.major === undefined || s.major === filter.major)
    .filter((s) => filter.graduationYear === undefined || s.graduationYear === filter.graduationYear)
    .filter((s) => filter.backgroundTag === undefined || (s.shareBackgroundTags && s.backgroundTags.includes(filter.backgroundTag)))
    .filter((s) => filter.field === undefined || s.fieldsOfInterest.includes(filter.field))
    .filter((s) => filter.programId === undefined || s.programIds.includes(filter.programId))
    .sort(byId)
  const selected = new Set(students.map((s) => s.id))
  const day = (instant: Date) => localDay(instant, fx.timeZone)
  const within = (instant: Date | null) => instant !== null && day(instant) >= range.from && day(instant) <= range.to
  const contactById = new Map(fx.contacts.map((contact) => [contact.id, contact]))
  return {
    fx, range, students, selected, day, within,
    contact: (id: string) => contactById.get(id)!,
    meetings: fx.meetings.filter((m) => selected.has(m.studentId)),
    referrals: fx.referrals.filter((r) => selected.has(r.studentId)),
    requests: fx.hostRequests.filter((r) => selected.has(r.studentId)),
    held: (m: MeetingFixture) => m.status === 'completed' || m.status === 'thank_you_sent',
    /** Sent within the school's window after the meeting ended. */
    onTime: (m: MeetingFixture) => m.thankYouSentAt !== null && m.thankYouSentAt.getTime() <= m.endsAt!.getTime() + fx.thankYouWindowHours * HOUR,
  }
}
type View = ReturnType<typeof view>

function funnelSteps(names: readonly string[], counts: Record<string, number>) {
  return names.map((step, index) => ({ step, count: counts[step]!, conversion: index === 0 ? null : ratio(counts[step]!, counts[names[index - 1]!]!) }))
}

/** The guide's sources of the contacts the selected students added in the range. */
export function expectedNetworkSources(v: View) {
  const contacts = v.fx.contacts.filter((c) => v.selected.has(c.studentId) && v.within(c.createdAt))
  const added = contacts.length
  return {
    contactsAdded: added,
    byRelationship: [...CONTACT_RELATIONSHIPS, null].map((relationship) => {
      const n = count(contacts, (c) => c.relationship === relationship)
      return { relationship, contacts: n, share: ratio(n, added) }
    }),
    byReason: CONTACT_REASONS.map((reason) => {
      const n = count(contacts, (c) => c.reasons.includes(reason))
      return { reason, contacts: n, share: ratio(n, added) }
    }),
    withoutReason: count(contacts, (c) => c.reasons.length === 0),
  }
}

export function expectedFunnel(v: View) {
  const contacts = v.fx.contacts.filter((c) => v.selected.has(c.studentId) && v.within(c.createdAt))
  const sent = v.fx.outreach.filter((o) => v.selected.has(o.studentId) && v.within(o.sentAt))
  const cohort = v.meetings.filter((m) => v.within(m.createdAt))
  const source = (row: { contactId: string }) => v.contact(row.contactId).source
  const tally = (cs: ContactFixture[], os: OutreachFixture[], ms: MeetingFixture[]): Record<string, number> => ({
    contacts_added: cs.length,
    outreach_sent: os.length,
    replies: count(os, (o) => o.outcome !== 'no_reply'),
    meetings_requested: ms.length,
    scheduled: count(ms, (m) => m.startsAt),
    completed: count(ms, v.held),
    thank_you_sent: count(ms, (m) => m.thankYouSentAt),
  })
  const all = tally(contacts, sent, cohort)
  const onTime = count(cohort, v.onTime)
  return {
    steps: funnelSteps(FUNNEL_STEPS, all),
    thankYouOnTime: onTime,
    thankYouOnTimeShare: ratio(onTime, all.thank_you_sent!),
    thankYouWindowHours: v.fx.thankYouWindowHours,
    byKind: MEETING_KINDS.map((kind) => {
      const ofKind = cohort.filter((m) => m.kind === kind)
      return { kind, steps: funnelSteps(MEETING_STEPS, tally([], [], ofKind)), thankYouOnTimeShare: ratio(count(ofKind, v.onTime), count(ofKind, (m) => m.thankYouSentAt)) }
    }),
    bySource: CONTACT_SOURCES.map((s) => {
      const counts = tally(contacts.filter((c) => c.source === s), sent.filter((o) => source(o) === s), cohort.filter((m) => source(m) === s))
      return { source: s, steps: funnelSteps(FUNNEL_STEPS, counts), replyRate: ratio(counts.replies!, counts.outreach_sent!) }
    }),
    byChannel: OUTREACH_CHANNELS.map((channel) => {
      const through = sent.filter((o) => o.channel === channel)
      const replies = count(through, (o) => o.outcome !== 'no_reply')
      return { channel, sent: through.length, replies, replyRate: ratio(replies, through.length) }
    }),
  }
}

/** Buckets overlapping the range: weeks from Monday, or calendar months. */
export function buckets(range: Range, bucket: 'WEEK' | 'MONTH'): Array<{ start: string; end: string }> {
  const list = []
  if (bucket === 'WEEK') {
    const weekday = (new Date(`${range.from}T00:00:00Z`).getUTCDay() + 6) % 7
    for (let start = addDays(range.from, -weekday); start <= range.to; start = addDays(start, 7)) list.push({ start, end: addDays(start, 6) })
  } else {
    let [year, month] = range.from.split('-').map(Number) as [number, number]
    for (let start = `${range.from.slice(0, 7)}-01`; start <= range.to; ) {
      const end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
      list.push({ start, end })
      ;[year, month] = month === 12 ? [year + 1, 1] : [year, month + 1]
      start = `${year}-${String(month).padStart(2, '0')}-01`
    }
  }
  return list
}

/** A meeting's own day: its start, or its request while it has none. */
export const meetingDay = (v: View, m: MeetingFixture) => v.day(m.startsAt ?? m.createdAt)

export function expectedMeetingsOverTime(v: View, bucket: 'WEEK' | 'MONTH') {
  return buckets(v.range, bucket).map(({ start, end }) => {
    const inBucket = v.meetings.filter((m) => {
      const day = meetingDay(v, m)
      return day >= start && day <= end && day >= v.range.from && day <= v.range.to
    })
    const counts = MEETING_KINDS.flatMap((kind) => MEETING_STATUSES.map((status) => ({ kind, status, count: count(inBucket, (m) => m.kind === kind && m.status === status) })))
    return {
      start,
      end,
      total: inBucket.length,
      byKind: MEETING_KINDS.map((kind) => ({ kind, count: count(inBucket, (m) => m.kind === kind) })),
      byStatus: MEETING_STATUSES.map((status) => ({ status, count: count(inBucket, (m) => m.status === status) })),
      counts: counts.filter((entry) => entry.count > 0),
    }
  })
}

/** Per selected student: the different people, organizations and industries met in meetings completed in the range. */
export function met(v: View) {
  return v.students.map((student) => {
    const completed = v.meetings.filter((m) => m.studentId === student.id && m.completedAt && v.within(m.completedAt))
    const people = [...new Set(completed.map((m) => m.contactId))].map(v.contact)
    const distinct = (values: Array<string | null>) => new Set(values.filter((value) => value !== null)).size
    return {
      student,
      completed,
      people,
      organizations: distinct(people.map((c) => normalized(c.organization))),
      industries: distinct(people.map((c) => normalized(c.industry))),
    }
  })
}

export function expectedSingleViews(v: View) {
  return met(v).flatMap(({ student, people }) => {
    const byField = new Map<string, ContactFixture[]>()
    for (const contact of people) {
      const field = normalized(contact.industry)
      if (field) byField.set(field, [...(byField.get(field) ?? []), contact])
    }
    return [...byField]
      .filter(([, inField]) => inField.length === 1)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, [contact]]) => ({ student: { id: student.id }, field: contact!.industry!.trim(), contact: { id: contact!.id } }))
  })
}

export function expectedPerspectives(v: View) {
  const perStudent = met(v)
  const histogram = (values: number[]) =>
    Array.from({ length: HISTOGRAM_TOP + 1 }, (_, value) => ({
      value,
      orMore: value === HISTOGRAM_TOP,
      students: count(values, (n) => (value === HISTOGRAM_TOP ? n >= value : n === value)),
    }))
  const withNone = count(perStudent, (s) => s.completed.length === 0)
  return {
    students: perStudent.length,
    studentsWithNone: withNone,
    shareWithNone: ratio(withNone, perStudent.length),
    people: histogram(perStudent.map((s) => s.people.length)),
    organizations: histogram(perStudent.map((s) => s.organizations)),
    industries: histogram(perStudent.map((s) => s.industries)),
    singleViewCount: expectedSingleViews(v).length,
  }
}

/**
 * Each referral's place in its student's network, over the referrals recorded up to the end of the
 * range, worked out here independently of the service (by relaxation, not breadth-first):
 * a contact's degree is 1 when known without a referral (its source is not 'referral'), else the
 * least of 2 (referred by a named person or by nobody on record, or only from within a loop) and
 * 1 + a referring contact's degree. A referral's depth is its referring contact's degree (1 for a
 * named referrer); it closes a cycle instead when its referred contact, reached no later than the
 * referrer, leads back to the referrer through referrals.
 */
export function referralPlaces(referrals: ReferralFixture[], contactOf: (id: string) => ContactFixture): Map<string, number | 'cycle'> {
  const places = new Map<string, number | 'cycle'>()
  for (const studentReferrals of Map.groupBy(referrals, (r) => r.studentId).values()) {
    const ids = new Set(studentReferrals.flatMap((r) => [r.referrerContactId, r.referredContactId].filter((id): id is string => id !== null)))
    const fromContacts = studentReferrals.filter((r) => r.referrerContactId !== null)
    const degree = new Map<string, number>()
    for (const id of ids) {
      if (contactOf(id).source !== 'referral') degree.set(id, 1)
      else if (!fromContacts.some((r) => r.referredContactId === id)) degree.set(id, 2)
    }
    const relax = () => {
      for (let changed = true; changed; ) {
        changed = false
        for (const r of fromContacts) {
          const through = (degree.get(r.referrerContactId!) ?? Infinity) + 1
          if (contactOf(r.referredContactId).source === 'referral' && through < (degree.get(r.referredContactId) ?? Infinity)) {
            degree.set(r.referredContactId, through)
            changed = true
          }
        }
      }
    }
    relax()
    for (const id of ids) if (!degree.has(id)) degree.set(id, 2)
    relax()
    const leadsTo = (from: string, to: string, seen = new Set<string>()): boolean =>
      from === to || (!seen.has(from) && (seen.add(from), fromContacts.some((r) => r.referrerContactId === from && leadsTo(r.referredContactId, to, seen))))
    for (const r of studentReferrals) {
      const from = r.referrerContactId
      const closes = from !== null && degree.get(r.referredContactId)! <= degree.get(from)! && leadsTo(r.referredContactId, from)
      places.set(r.id, closes ? 'cycle' : from === null ? 1 : degree.get(from)!)
    }
  }
  return places
}

export function expectedNetworkGrowth(v: View) {
  const recorded = v.referrals.filter((r) => v.day(r.createdAt) <= v.range.to)
  const place = referralPlaces(recorded, v.contact)
  const received = recorded.filter((r) => v.day(r.createdAt) >= v.range.from)
  const fromMeetings = count(received, (r) => r.meetingId)
  const completed = count(v.meetings, (m) => m.completedAt && v.within(m.completedAt))
  const converted = count(received, (r) => v.fx.meetings.some((m) => m.studentId === r.studentId && m.contactId === r.referredContactId && m.startsAt))
  const depths = new Map<number, number>()
  for (const r of received) {
    const d = place.get(r.id)!
    if (d !== 'cycle') depths.set(d, (depths.get(d) ?? 0) + 1)
  }
  return {
    referralsReceived: received.length,
    referralsFromMeetings: fromMeetings,
    meetingsCompleted: completed,
    referralsPerCompletedMeeting: ratio(fromMeetings, completed),
    referralsConverted: converted,
    conversionRate: ratio(converted, received.length),
    maxChainDepth: Math.max(0, ...depths.keys()),
    chainDepths: [...depths].sort(([a], [b]) => a - b).map(([d, referrals]) => ({ depth: d, referrals })),
    referralsInCycles: count(received, (r) => place.get(r.id) === 'cycle'),
  }
}

/**
 * How a request stands at the report's `now`: one still pending past its expiry has expired
 * unanswered, whether or not the expiry sweep has marked it yet (it is no longer waiting).
 */
export function standing(r: HostRequestFixture, now: Date): HostRequestStatus {
  return r.status === 'pending' && r.expiresAt.getTime() <= now.getTime() ? 'expired' : r.status
}

/** Requests a host received from the selected students in the range, and how they stand. */
function requestCounts(v: View, stored: HostRequestFixture[]) {
  const requests = stored.map((r) => ({ ...r, status: standing(r, v.fx.now) }))
  const sent = requests.filter((r) => v.within(r.createdAt))
  const accepted = count(sent, (r) => r.status === 'accepted')
  const declined = count(sent, (r) => r.status === 'declined')
  const expired = count(sent, (r) => r.status === 'expired')
  const answered = sent.filter((r) => (r.status === 'accepted' || r.status === 'declined') && r.respondedAt)
  return {
    sent,
    requestsReceived: sent.length,
    accepted,
    declined,
    expired,
    withdrawn: count(sent, (r) => r.status === 'withdrawn'),
    pending: count(sent, (r) => r.status === 'pending'),
    acceptanceRate: ratio(accepted, accepted + declined + expired),
    medianResponseHours: median(answered.map((r) => (r.respondedAt!.getTime() - r.createdAt.getTime()) / HOUR)),
    booked: count(requests, (r) => r.status === 'accepted' && v.within(r.startsAt)),
  }
}

/** Gini coefficient as half the relative mean absolute difference: Σ|xi − xj| / (2 n Σx). */
export function gini(values: number[]): number | null {
  const total = values.reduce((sum, x) => sum + x, 0)
  if (total === 0) return null
  let differences = 0
  for (const x of values) for (const y of values) differences += Math.abs(x - y)
  return differences / (2 * values.length * total)
}

export function expectedAlumniEngagement(v: View) {
  const { sent, ...counts } = requestCounts(v, v.requests)
  const capacity = (v.fx.hosts.reduce((sum, h) => sum + h.maxMeetingsPerMonth, 0) * daysIn(v.range)) / DAYS_PER_MONTH
  const loads = v.fx.hosts.map((host) => ({ host, requests: sent.filter((r) => r.hostId === host.id) }))
  return {
    volunteers: v.fx.hosts.length,
    accepting: count(v.fx.hosts, (h) => h.accepting),
    activeHosts: new Set(v.requests.filter((r) => (r.status === 'accepted' || r.status === 'declined') && v.within(r.respondedAt)).map((r) => r.hostId)).size,
    ...counts,
    capacity,
    utilization: ratio(counts.booked, capacity),
    loadGini: gini(loads.map((load) => load.requests.length)),
    mostAsked: loads
      .filter((load) => load.requests.length > 0)
      .sort((a, b) => b.requests.length - a.requests.length || byId(a.host, b.host))
      .map(({ host, requests }) => {
        const accepted = count(requests, (r) => r.status === 'accepted')
        return { requests: requests.length, accepted, acceptanceShare: ratio(accepted, requests.length), host: { id: host.id } }
      }),
  }
}

export function expectedStudents(v: View) {
  const perStudent = new Map(met(v).map((entry) => [entry.student.id, entry]))
  return v.students.map((student) => {
    const requested = v.meetings.filter((m) => m.studentId === student.id && v.within(m.createdAt))
    const seen = perStudent.get(student.id)!
    const last = seen.completed.map((m) => m.completedAt!.getTime()).sort((a, b) => b - a)[0]
    return {
      id: student.id,
      externalId: student.externalId,
      major: student.major,
      graduationYear: student.graduationYear,
      fieldsOfInterest: student.fieldsOfInterest,
      activity: {
        meetingsRequested: requested.length,
        meetingsCompleted: count(requested, v.held),
        thankYouSent: count(requested, (m) => m.thankYouSentAt),
        thankYouOnTime: count(requested, v.onTime),
        peopleMet: seen.people.length,
        organizationsMet: seen.organizations,
        industriesMet: seen.industries,
        referralsReceived: count(v.referrals, (r) => r.studentId === student.id && v.within(r.createdAt)),
        lastCompletedAt: last === undefined ? null : new Date(last).toISOString(),
      },
    }
  })
}

const iso = (instant: Date | null) => instant?.toISOString() ?? null

export function meetingNode(v: View, m: MeetingFixture) {
  const overdue = m.status === 'completed' && m.thankYouDueAt !== null && m.thankYouDueAt.getTime() < v.fx.now.getTime()
  return {
    id: m.id,
    kind: m.kind,
    status: m.status,
    requestedAt: iso(m.createdAt),
    startsAt: iso(m.startsAt),
    completedAt: iso(m.completedAt),
    thankYouDueAt: iso(m.thankYouDueAt),
    thankYouSentAt: iso(m.thankYouSentAt),
    thankYouOnTime: m.thankYouOnTime,
    hoursOverdue: overdue ? (v.fx.now.getTime() - m.thankYouDueAt!.getTime()) / HOUR : null,
    student: { id: m.studentId },
    contact: { id: m.contactId },
  }
}

export function expectedMeetings(v: View, only: { status?: MeetingStatus; kind?: MeetingKind } = {}) {
  return v.meetings
    .filter((m) => meetingDay(v, m) >= v.range.from && meetingDay(v, m) <= v.range.to)
    .filter((m) => (only.status === undefined || m.status === only.status) && (only.kind === undefined || m.kind === only.kind))
    .sort(byId)
    .map((m) => meetingNode(v, m))
}

/** Held, no thank-you yet, deadline passed and in the range; oldest deadline first. */
export function expectedOverdueThankYous(v: View) {
  return v.meetings
    .filter((m) => m.status === 'completed' && m.thankYouDueAt && m.thankYouDueAt.getTime() < v.fx.now.getTime() && v.within(m.thankYouDueAt))
    .sort((a, b) => a.thankYouDueAt!.getTime() - b.thankYouDueAt!.getTime() || byId(a, b))
    .map((m) => meetingNode(v, m))
}

/** Pending, not expired by now, sent in the range; oldest first. */
export function expectedWaitingRequests(v: View) {
  return v.requests
    .filter((r) => r.status === 'pending' && r.expiresAt.getTime() > v.fx.now.getTime() && v.within(r.createdAt))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a, b))
    .map((r) => ({
      id: r.id,
      kind: v.fx.meetings.find((m) => m.id === r.meetingId)!.kind,
      requestedAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      hoursWaiting: (v.fx.now.getTime() - r.createdAt.getTime()) / HOUR,
      student: { id: r.studentId },
      host: { id: r.hostId },
    }))
}

export function expectedHosts(v: View) {
  return [...v.fx.hosts].sort(byId).map((host) => {
    const { sent: _sent, withdrawn: _withdrawn, ...counts } = requestCounts(v, v.requests.filter((r) => r.hostId === host.id))
    const capacity = (host.maxMeetingsPerMonth * daysIn(v.range)) / DAYS_PER_MONTH
    return {
      id: host.id,
      organization: host.organization,
      accepting: host.accepting,
      maxMeetingsPerMonth: host.maxMeetingsPerMonth,
      activity: { ...counts, capacity, utilization: ratio(counts.booked, capacity) },
    }
  })
}
