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
 * Host profiles of the demo alumni (demo-alumni-4 has none: the README has them volunteer). Weekday
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
    const { db } = database.forSchool(school.id)
    await seedQuestionBank({ schoolId: school.id, db })
    await db.member.createMany({
      data: spec.members.map((member) => ({
        schoolId: school.id,
        ...member,
        email: `${member.givenName.toLowerCase()}.${member.familyName.toLowerCase()}@${spec.emailDomain}`.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
      })),
    })
    if (spec.slug === 'demo') await seedDemoHosts(database, school.id)
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
