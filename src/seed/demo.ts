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
      // Demo schools seeded before the question bank existed get it now.
      await seedQuestionBank(database.forSchool(existing.id))
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
    created.push(spec.slug)
  }
  return created
}
