// Demo data for a first look: school `demo` with an advisor, a school admin, students and alumni,
// and a smaller school `demo-2`, so that one school visibly never sees the other's data. Seeded
// once: a school that already exists is left as it is.
import type { Database } from '../infra/db/database.js'
import type { SchoolRole } from '../infra/auth/principal.js'
import { seedQuestionBank } from '../modules/questions/service.js'

interface DemoMember {
  externalId: string
  roles: SchoolRole[]
  givenName: string
  familyName: string
  major?: string
  graduationYear?: number
  fieldsOfInterest?: string[]
  backgroundTags?: string[]
}

const demo: DemoMember[] = [
  { externalId: 'demo-advisor-1', roles: ['advisor'], givenName: 'Maya', familyName: 'Okafor' },
  { externalId: 'demo-admin-1', roles: ['school_admin'], givenName: 'Daniel', familyName: 'Reyes' },
  { externalId: 'demo-student-1', roles: ['student'], givenName: 'Aisha', familyName: 'Khan', major: 'Biology', graduationYear: 2027, fieldsOfInterest: ['Healthcare', 'Public health'], backgroundTags: ['first-generation'] },
  { externalId: 'demo-student-2', roles: ['student'], givenName: 'Lucas', familyName: 'Silva', major: 'Computer Science', graduationYear: 2026, fieldsOfInterest: ['Software engineering', 'Product management'], backgroundTags: ['international'] },
  { externalId: 'demo-student-3', roles: ['student'], givenName: 'Emily', familyName: 'Nguyen', major: 'Economics', graduationYear: 2028, fieldsOfInterest: ['Finance', 'Consulting'], backgroundTags: ['transfer'] },
  { externalId: 'demo-student-4', roles: ['student'], givenName: 'Marcus', familyName: 'Johnson', major: 'Mechanical Engineering', graduationYear: 2027, fieldsOfInterest: ['Aerospace', 'Energy'], backgroundTags: ['veteran', 'first-generation'] },
  { externalId: 'demo-student-5', roles: ['student'], givenName: 'Sofia', familyName: 'Rossi', major: 'Journalism', graduationYear: 2026, fieldsOfInterest: ['Media', 'Nonprofit'], backgroundTags: ['career-changer'] },
  { externalId: 'demo-student-6', roles: ['student'], givenName: 'Kenji', familyName: 'Tanaka', major: 'Psychology', graduationYear: 2028, fieldsOfInterest: ['Clinical psychology', 'UX research'], backgroundTags: [] },
  { externalId: 'demo-alumni-1', roles: ['alumni'], givenName: 'Grace', familyName: 'Park', major: 'Biology', graduationYear: 2012, fieldsOfInterest: ['Healthcare'], backgroundTags: ['first-generation'] },
  { externalId: 'demo-alumni-2', roles: ['alumni'], givenName: 'Omar', familyName: 'Haddad', major: 'Computer Science', graduationYear: 2015, fieldsOfInterest: ['Software engineering'], backgroundTags: ['international'] },
  { externalId: 'demo-alumni-3', roles: ['alumni'], givenName: 'Rachel', familyName: 'Cohen', major: 'Economics', graduationYear: 2009, fieldsOfInterest: ['Finance', 'Consulting'], backgroundTags: ['transfer'] },
  { externalId: 'demo-alumni-4', roles: ['alumni'], givenName: 'Tomás', familyName: 'García', major: 'Mechanical Engineering', graduationYear: 2011, fieldsOfInterest: ['Energy'], backgroundTags: ['veteran'] },
]

const demo2: DemoMember[] = [
  { externalId: 'demo2-admin-1', roles: ['school_admin', 'advisor'], givenName: 'Helen', familyName: 'Moore' },
  { externalId: 'demo2-student-1', roles: ['student'], givenName: 'Noah', familyName: 'Williams', major: 'History', graduationYear: 2027, fieldsOfInterest: ['Education', 'Law'], backgroundTags: ['first-generation'] },
  { externalId: 'demo2-student-2', roles: ['student'], givenName: 'Priya', familyName: 'Patel', major: 'Chemistry', graduationYear: 2026, fieldsOfInterest: ['Pharmaceuticals'], backgroundTags: [] },
  { externalId: 'demo2-alumni-1', roles: ['alumni'], givenName: 'James', familyName: 'Brown', major: 'History', graduationYear: 2010, fieldsOfInterest: ['Law'], backgroundTags: [] },
]

/**
 * Host profiles of the demo alumni (demo-alumni-4 has none: docs/hosts-and-matching.md has them volunteer). Weekday
 * windows in New York time, open every week, so suggestions and programmes find them whatever the date.
 */
const demoHosts = [
  {
    externalId: 'demo-alumni-1',
    organization: 'Mercy Hospital',
    title: 'Nurse practitioner',
    industries: ['Healthcare'],
    occupations: ['Nursing', 'Public health'],
    location: 'Boston',
    backgroundTags: ['first-generation'],
    bio: 'Twelve years in emergency care; happy to talk about nursing school and public health.',
    contactEmail: 'grace.park@mercy.example',
    weeklyWindows: [{ weekday: 2, start: '09:00', end: '12:00' }, { weekday: 4, start: '13:00', end: '17:00' }],
  },
  {
    externalId: 'demo-alumni-2',
    organization: 'Northwind Software',
    title: 'Staff engineer',
    industries: ['Software engineering'],
    occupations: ['Software engineering', 'Product management'],
    location: 'New York',
    backgroundTags: ['international'],
    bio: 'Backend systems and mentoring new engineers.',
    contactEmail: 'omar.haddad@northwind.example',
    weeklyWindows: [{ weekday: 1, start: '10:00', end: '16:00' }, { weekday: 3, start: '10:00', end: '16:00' }],
  },
  {
    externalId: 'demo-alumni-3',
    organization: 'Harbor Capital',
    title: 'Vice president, equity research',
    industries: ['Finance'],
    occupations: ['Consulting', 'Finance'],
    location: 'New York',
    backgroundTags: ['transfer'],
    bio: 'From community college transfer to equity research.',
    contactEmail: 'rachel.cohen@harbor.example',
    weeklyWindows: [{ weekday: 5, start: '08:00', end: '18:00' }],
  },
]

const schools = [
  { slug: 'demo', name: 'Demo University', timeZone: 'America/New_York', members: demo, emailDomain: 'demo.edu' },
  { slug: 'demo-2', name: 'Second Demo College', timeZone: 'America/Chicago', members: demo2, emailDomain: 'demo2.edu' },
]

/** Returns the slugs of the schools it created (none when the demo data is already there). */
export async function seedDemo(database: Database): Promise<string[]> {
  const created: string[] = []
  for (const spec of schools) {
    const existing = await database.platform.school.findUnique({ where: { slug: spec.slug }, select: { id: true } })
    if (existing) {
      // Demo schools seeded before the question bank or host profiles existed get them now.
      await seedQuestionBank(database.forSchool(existing.id))
      if (spec.slug === 'demo') await seedDemoHosts(database, existing.id)
      continue
    }
    const school = await database.platform.school.create({
      data: { slug: spec.slug, name: spec.name, timeZone: spec.timeZone, settings: { thankYouWindowHours: 24 } },
    })
    const tenant = database.forSchool(school.id)
    const { db } = tenant
    await seedQuestionBank(tenant)
    await db.member.createMany({
      data: spec.members.map((member) => ({
        schoolId: school.id,
        ...member,
        email: `${member.givenName.toLowerCase()}.${member.familyName.toLowerCase()}@${spec.emailDomain}`.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
      })),
    })
    if (spec.slug === 'demo') {
      await seedDemoHosts(database, school.id)
      await seedDemoConversations(database, school.id, new Date())
    }
    created.push(spec.slug)
  }
  return created
}

async function seedDemoHosts(database: Database, schoolId: string) {
  const { db } = database.forSchool(schoolId)
  for (const host of demoHosts) {
    const member = await db.member.findUnique({ where: { schoolId_externalId: { schoolId, externalId: host.externalId } }, select: { id: true } })
    if (!member) continue
    const { externalId: _externalId, ...profile } = host
    await db.hostProfile.upsert({
      where: { schoolId_memberId: { schoolId, memberId: member.id } },
      update: {},
      create: {
        schoolId,
        memberId: member.id,
        ...profile,
        offers: ['informational_interview', 'job_shadow'],
        modes: ['in_person', 'video', 'phone'],
        accepting: true,
        timeZone: 'America/New_York',
        maxMeetingsPerMonth: 4,
        maxShadowDaysPerTerm: 5,
        maxOpenRequests: 10,
        blackouts: [],
      },
    })
  }
}

type Source = 'personal' | 'referral' | 'organization' | 'alumni_network' | 'cold'
type Channel = 'email' | 'linkedin' | 'phone' | 'introduction' | 'organization'
type Outcome = 'no_reply' | 'replied' | 'declined' | 'agreed'
type Status = 'requested' | 'scheduled' | 'completed' | 'thank_you_sent' | 'cancelled' | 'no_show'

interface DemoContact {
  key: string
  student: string
  fullName: string
  title: string
  organization: string
  industry: string
  source: Source
  /** Days before the seed that the student added them. */
  addedDaysAgo: number
  outreach?: { channel: Channel; daysAgo: number; outcome: Outcome }
  /** A meeting with them: its status and when it starts (days from the seed; negative is past). */
  meeting?: { status: Status; startsInDays: number | null; kind?: 'informational_interview' | 'job_shadow'; thankYouHoursAfter?: number }
  /** Suggested by this contact of the same student (at the meeting with them, if there was one). */
  referredBy?: string
}

/**
 * The demo students' networks, so that the reporting dashboard has something to show: contacts
 * from every source, outreach on every channel, meetings in most states (one thank-you overdue,
 * one sent late), and a referral chain two deep. demo-student-6 has done nothing yet.
 */
const demoContacts: DemoContact[] = [
  { key: 'aisha-aunt', student: 'demo-student-1', fullName: 'Fatima Khan', title: 'Pharmacist', organization: 'City Pharmacy', industry: 'Healthcare', source: 'personal', addedDaysAgo: 40,
    outreach: { channel: 'phone', daysAgo: 38, outcome: 'agreed' }, meeting: { status: 'thank_you_sent', startsInDays: -30, thankYouHoursAfter: 6 } },
  { key: 'aisha-nurse', student: 'demo-student-1', fullName: 'Grace Park', title: 'Nurse practitioner', organization: 'Mercy Hospital', industry: 'Healthcare', source: 'referral', addedDaysAgo: 29,
    referredBy: 'aisha-aunt', outreach: { channel: 'introduction', daysAgo: 28, outcome: 'agreed' }, meeting: { status: 'thank_you_sent', startsInDays: -20, kind: 'job_shadow', thankYouHoursAfter: 30 } },
  { key: 'aisha-epi', student: 'demo-student-1', fullName: 'Daniel Osei', title: 'Epidemiologist', organization: 'State Health Department', industry: 'Public health', source: 'referral', addedDaysAgo: 19,
    referredBy: 'aisha-nurse', outreach: { channel: 'email', daysAgo: 18, outcome: 'agreed' }, meeting: { status: 'scheduled', startsInDays: 6 } },
  { key: 'lucas-dev', student: 'demo-student-2', fullName: 'Omar Haddad', title: 'Software engineer', organization: 'Northwind Bank', industry: 'Software', source: 'alumni_network', addedDaysAgo: 25,
    outreach: { channel: 'linkedin', daysAgo: 24, outcome: 'agreed' }, meeting: { status: 'completed', startsInDays: -4 } },
  { key: 'lucas-pm', student: 'demo-student-2', fullName: 'Hannah Weiss', title: 'Product manager', organization: 'Globex', industry: 'Software', source: 'cold', addedDaysAgo: 22,
    outreach: { channel: 'linkedin', daysAgo: 21, outcome: 'no_reply' } },
  { key: 'lucas-cto', student: 'demo-student-2', fullName: 'Ravi Menon', title: 'CTO', organization: 'Initech', industry: 'Software', source: 'cold', addedDaysAgo: 15,
    outreach: { channel: 'email', daysAgo: 14, outcome: 'declined' } },
  { key: 'emily-analyst', student: 'demo-student-3', fullName: 'Rachel Cohen', title: 'Analyst', organization: 'Harbor Capital', industry: 'Finance', source: 'alumni_network', addedDaysAgo: 33,
    outreach: { channel: 'email', daysAgo: 32, outcome: 'agreed' }, meeting: { status: 'no_show', startsInDays: -25 } },
  { key: 'emily-consultant', student: 'demo-student-3', fullName: 'Tom Becker', title: 'Consultant', organization: 'Baird & Co', industry: 'Consulting', source: 'organization', addedDaysAgo: 12,
    outreach: { channel: 'organization', daysAgo: 11, outcome: 'replied' }, meeting: { status: 'requested', startsInDays: null } },
  { key: 'marcus-engineer', student: 'demo-student-4', fullName: 'Laura Schmidt', title: 'Turbine engineer', organization: 'Acme Energy', industry: 'Energy', source: 'personal', addedDaysAgo: 20,
    outreach: { channel: 'phone', daysAgo: 19, outcome: 'agreed' }, meeting: { status: 'cancelled', startsInDays: -10 } },
  { key: 'sofia-editor', student: 'demo-student-5', fullName: 'Nadia Flores', title: 'Editor', organization: 'Daily Ledger', industry: 'Media', source: 'personal', addedDaysAgo: 9,
    outreach: { channel: 'email', daysAgo: 8, outcome: 'no_reply' } },
]

async function seedDemoConversations(database: Database, schoolId: string, now: Date) {
  const { db } = database.forSchool(schoolId)
  const hours = (n: number) => new Date(now.getTime() + n * 3_600_000)
  const days = (n: number) => hours(n * 24)
  const students = new Map((await db.member.findMany({ where: { schoolId, roles: { has: 'student' } }, select: { id: true, externalId: true } }))
    .map((member) => [member.externalId, member.id]))
  const contactIds = new Map<string, string>()
  const meetingIds = new Map<string, string>()
  for (const contact of demoContacts) {
    const studentId = students.get(contact.student)!
    const created = await db.contact.create({
      data: {
        schoolId, studentId, fullName: contact.fullName, title: contact.title, organization: contact.organization, industry: contact.industry,
        source: contact.source, createdAt: days(-contact.addedDaysAgo),
      },
    })
    contactIds.set(contact.key, created.id)
    if (contact.outreach) {
      const sentAt = days(-contact.outreach.daysAgo)
      await db.outreach.create({
        data: {
          schoolId, studentId, contactId: created.id, channel: contact.outreach.channel, sentAt, outcome: contact.outreach.outcome,
          outcomeAt: contact.outreach.outcome === 'no_reply' ? null : hours(-contact.outreach.daysAgo * 24 + 20),
          message: 'I am exploring careers and would value 30 minutes of your time; I am not looking for a job.',
        },
      })
    }
    if (contact.meeting) {
      const { status, startsInDays } = contact.meeting
      const kind = contact.meeting.kind ?? 'informational_interview'
      const startsAt = startsInDays === null || status === 'requested' ? null : days(startsInDays)
      const endsAt = startsAt && new Date(startsAt.getTime() + (kind === 'job_shadow' ? 6 : 0.75) * 3_600_000)
      const held = status === 'completed' || status === 'thank_you_sent'
      const thankYouDueAt = endsAt && (held || status === 'scheduled') ? new Date(endsAt.getTime() + 24 * 3_600_000) : null
      const thankYouSentAt = status === 'thank_you_sent' && endsAt ? new Date(endsAt.getTime() + contact.meeting.thankYouHoursAfter! * 3_600_000) : null
      const meeting = await db.meeting.create({
        data: {
          schoolId, studentId, contactId: created.id, kind, status, mode: kind === 'job_shadow' ? 'in_person' : 'video',
          purpose: 'Learning how people got into the field and what the work is like; not looking for a job.',
          location: kind === 'job_shadow' ? contact.organization : 'https://meet.example/demo',
          proposedSlots: startsAt && endsAt ? [{ startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() }] : [{ startsAt: days(10).toISOString(), endsAt: hours(240.75).toISOString() }],
          startsAt, endsAt, thankYouDueAt, thankYouSentAt,
          thankYouOnTime: thankYouSentAt && thankYouDueAt ? thankYouSentAt <= thankYouDueAt : null,
          completedAt: held && endsAt ? endsAt : null,
          rating: held ? 5 : null,
          askedForReferrals: held ? true : null,
          closedAt: status === 'cancelled' || status === 'no_show' ? endsAt : null,
          createdAt: days(-(contact.outreach?.daysAgo ?? contact.addedDaysAgo) + 1),
        },
      })
      meetingIds.set(contact.key, meeting.id)
    }
  }
  for (const contact of demoContacts.filter((entry) => entry.referredBy)) {
    await db.referral.create({
      data: {
        schoolId, studentId: students.get(contact.student)!, referrerContactId: contactIds.get(contact.referredBy!)!, referredContactId: contactIds.get(contact.key)!,
        meetingId: meetingIds.get(contact.referredBy!) ?? null, status: meetingIds.has(contact.key) ? 'met' : 'suggested', createdAt: days(-contact.addedDaysAgo),
      },
    })
  }
}
