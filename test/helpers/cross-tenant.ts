// Cross-tenant isolation: one table (CROSS_TENANT_MATRIX) with an entry for every non-public route
// of the app, each saying how a caller of school B aims the route at school A's data and exactly
// what B must get back. `runCrossTenantMatrix` plays the whole table against a real app;
// `assertCrossTenantCoverage` fails, naming the route, when the app registers a route that has no
// entry here, so a new route cannot ship without saying how it keeps schools apart.
//
// Adding a route: add one or more entries below (route = the method and the URL pattern exactly as
// registered, e.g. 'GET /v1/schools/:schoolId/widgets/:widgetId'), and if the route needs a new kind
// of A resource, create it in `createCrossTenantFixture` and list its identifiers in `secretsOf`.
//
// Routes are collected from a twin of the app built from the same dependencies, through Fastify's
// `fastify.initialization` diagnostics channel: an `onRoute` hook is attached to the instance as
// soon as it exists, before any plugin registers a route, so every route is seen (including those
// of third-party plugins such as @fastify/cors, mercurius and @fastify/swagger-ui).
import { randomUUID } from 'node:crypto'
import dc from 'node:diagnostics_channel'
import { readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse, RouteOptions } from 'fastify'
import { DateTime } from 'luxon'
import pg from 'pg'
import { buildApp } from '../../src/app.js'
import { CONTACT_SOURCES } from '../../src/modules/contacts/schemas.js'
import { checkQuestions } from '../../src/modules/questions/checker/index.js'
import { OUTREACH_CHANNELS } from '../../src/modules/outreach/schemas.js'
import { EVENT_TYPE_NAMES, EVENT_TYPES } from '../../src/modules/webhooks/events.js'
import type { Scope } from '../../src/infra/auth/principal.js'
import type { TestApp, TestSchool } from './app.js'
import { created, ok } from '../factories/index.js'
import { DAY, HOUR, MINUTE } from './time.js'

// ---------------------------------------------------------------------------------------------
// Fixture: two schools, each with a member per role, an identity provider, an integration client,
// its student's conversations (a contact, outreach to it, a referral that added a second contact),
// a question its advisor added to the bank, its student's scheduled and prepared meeting with the
// contact, a calendar feed for every member, alumni hosting: its alumnus's host profile, its
// student's pending request to that host, and a programme (host and student) with one unpublished
// run, and for reports a meeting held 100 days ago whose thank-you note is overdue; and a webhook,
// subscribed (by the school admin) to every event type before any of those records was created, so
// that the fixture's records left it a delivery log
// ---------------------------------------------------------------------------------------------

export type MemberRoleName = 'student' | 'alumni' | 'advisor' | 'school_admin'
/**
 * Who of a school calls: a member by role; `client`, the school's integration client with the
 * portal's scopes (members:read, members:write, reports:read); `webhook_client`, the same client
 * with the webhooks:manage scope alone.
 */
export type Caller = MemberRoleName | 'client' | 'webhook_client'

/** Whether the caller is the school's integration client (which is no member), whatever its scopes. */
export function isClient(caller: Caller): caller is 'client' | 'webhook_client' {
  return caller === 'client' || caller === 'webhook_client'
}

/** The host the test app accepts webhook URLs on without resolving them (WEBHOOK_ALLOWED_HOSTS). */
export const WEBHOOK_HOST = 'hooks.cross-tenant.test'
/** The scopes of the portal's token (the `client` caller); the client holds webhooks:manage as well. */
const PORTAL_SCOPES: Scope[] = ['members:read', 'members:write', 'reports:read']
const CLIENT_SCOPES: Scope[] = [...PORTAL_SCOPES, 'webhooks:manage', 'scim']

/** A student's records, created through the API as the school's student. */
export interface Conversations {
  /** The student who owns them (the school's `student` member). */
  studentId: string
  contact: { id: string; fullName: string; email: string; organization: string; notes: string }
  /** An attempt to reach `contact`. */
  outreach: { id: string; message: string }
  /** "`contact` suggested I talk to `referredContact`", which created `referredContact`. */
  referral: { id: string; note: string }
  referredContact: { id: string; fullName: string; email: string }
}

/** The school's question bank: a question its advisor added, and one of the standard bank's. */
export interface QuestionBank {
  /** Added by the school's advisor; its text is the school's own. */
  custom: { id: string; text: string }
  /** A question of the standard bank every school is seeded with (the text is the same in every school, the id is not). */
  standardId: string
}

/** The student's meeting with `conversations.contact`, requested, scheduled (in the future) and prepared. */
export interface MeetingFixture {
  id: string
  purpose: string
  /** A video meeting: the link. */
  location: string
  homework: string
  /** The student's own question in the preparation (the bank's custom and standard questions are there too). */
  customQuestion: string
  startsAt: string
  endsAt: string
}

/** A member's calendar feed: the secret URL as created, its path, and the secret in it. */
export interface CalendarFeedFixture {
  id: string
  url: string
  path: string
  secret: string
}

/** A window as the API takes it. */
export interface SlotWindow {
  startsAt: string
  endsAt: string
}

/**
 * Alumni hosting in a school: its alumnus volunteers as a host, its student asks that host (the
 * request waits: pending), and its advisor runs a programme with the two (capacity 1) and computes one
 * assignment run, not published. Every string below is the school's own.
 */
export interface HostingFixture {
  /** The host profile of the school's `alumni` member (memberId is that member's id). */
  host: { memberId: string; organization: string; title: string; bio: string; location: string; contactEmail: string; contactPhone: string }
  /** The student's request to the host, with the meeting and the contact it created. */
  request: { id: string; groupId: string; meetingId: string; contactId: string; purpose: string; location: string; proposedSlots: SlotWindow[] }
  program: { id: string; name: string; description: string; startsOn: string; endsOn: string }
  /** The programme's one run: it pairs the student with the host. */
  run: { id: string; inputDigest: string }
}

/**
 * What only reports show: the student's meeting with `conversations.contact`, held 100 days ago
 * (before any calendar feed's window) and never thanked, so it is on the overdue thank-you list and
 * gives the student one view of the contact's field (robotics).
 */
export interface ReportingFixture {
  overdueMeeting: { id: string; purpose: string; startsAt: string; thankYouDueAt: string }
}

/**
 * The school's webhook: the school admin's subscription of the school's endpoint to every event
 * type, created before the school's other records, and what those records sent it (jobs do not run
 * in tests, so every delivery stays pending and nothing is sent).
 */
export interface WebhookFixture {
  webhook: { id: string; url: string; description: string; secret: string }
  /** Its delivery of the scheduling of `meeting` (meeting.scheduled), pending. */
  delivery: { id: string; eventId: string }
  /** Every delivery of the fixture's records to it, with its event: the delivery log as created. */
  deliveries: Array<{ id: string; eventId: string; eventType: string }>
}

export interface TenantFixture {
  school: TestSchool & { name: string }
  identityProvider: { id: string; issuer: string; audience: string }
  /** The client holds every scope; `token` has the portal's scopes, `webhookToken` webhooks:manage alone. */
  integrationClient: { id: string; clientId: string; clientSecret: string; token: string; webhookToken: string }
  conversations: Conversations
  questionBank: QuestionBank
  meeting: MeetingFixture
  /** One feed per member; the student's lists `meeting`. */
  calendarFeeds: Record<MemberRoleName, CalendarFeedFixture>
  hosting: HostingFixture
  reporting: ReportingFixture
  webhooks: WebhookFixture
}

export interface CrossTenantFixture {
  /** The school whose data is aimed at. */
  a: TenantFixture
  /** The school of every caller in the matrix. */
  b: TenantFixture
}


/**
 * How a school's outreach turned out. A's and B's differ in every respect the stats group by, so an
 * answer to B that counted any of A's outreach would show it.
 */
interface ConversationShape {
  source: 'cold' | 'personal'
  channel: 'linkedin' | 'email'
  outcome: 'agreed' | 'replied'
}

async function conversationsFixture(t: TestApp, school: TestSchool, slug: string, shape: ConversationShape): Promise<Conversations> {
  const student = school.members.student!
  const contactBody = {
    fullName: `Grace Hopper of ${slug}`,
    email: `grace.hopper@${slug}-robotics.example`,
    organization: `${slug} Robotics Lab`,
    title: 'Director of engineering',
    industry: 'robotics',
    source: shape.source,
    relationship: 'professor',
    reasons: ['similar_path', 'knows_organization'],
    backgroundTags: ['first-gen'],
    notes: `Met ${slug}'s Grace at the career fair`,
  }
  const contact = created(await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: contactBody }), `${slug}'s contact`)
  const message = `Hello from ${slug}'s student`
  const outreach = created(
    await t.request({
      method: 'POST',
      url: `/v1/contacts/${contact.id}/outreach`,
      token: student.token,
      payload: { channel: shape.channel, sentAt: new Date(Date.now() - 3_600_000).toISOString(), message, outcome: shape.outcome },
    }),
    `${slug}'s outreach`,
  )
  const referred = { fullName: `Alan Turing of ${slug}`, email: `alan.turing@${slug}-compute.example`, organization: `${slug} Compute` }
  const note = `Grace of ${slug} says Alan is hiring`
  const referral = created(
    await t.request({
      method: 'POST',
      url: '/v1/referrals',
      token: student.token,
      payload: { referrer: { contactId: contact.id }, referred: { contact: referred }, note },
    }),
    `${slug}'s referral`,
  )
  return {
    studentId: student.id,
    contact: { id: contact.id as string, fullName: contactBody.fullName, email: contactBody.email, organization: contactBody.organization, notes: contactBody.notes },
    outreach: { id: outreach.id as string, message },
    referral: { id: referral.id as string, note },
    referredContact: { id: referral.referredContactId as string, fullName: referred.fullName, email: referred.email },
  }
}



async function questionBankFixture(t: TestApp, school: TestSchool, slug: string): Promise<QuestionBank> {
  const text = `How does the ${slug} design review work?`
  const made = created(
    await t.request({ method: 'POST', url: '/v1/questions', token: school.members.advisor!.token, payload: { category: 'typical_day', text, position: 3 } }),
    `${slug}'s bank question`,
  )
  const question = made.question as { id: string; text: string }
  const bank = ok(await t.request({ method: 'GET', url: '/v1/questions', token: school.members.student!.token }), `${slug}'s question bank`)
  const standard = (bank.items as Array<{ id: string }>).find((item) => item.id !== question.id)
  if (!standard) throw new Error(`${slug}'s question bank has no standard question`)
  return { custom: { id: question.id, text: question.text }, standardId: standard.id }
}

/**
 * The student's meeting with their contact: requested, scheduled a week ahead (the app's clock is
 * real time here) and prepared with both bank questions, a question of their own and homework.
 */
async function meetingFixture(t: TestApp, school: TestSchool, slug: string, contactId: string, bank: QuestionBank): Promise<MeetingFixture> {
  const token = school.members.student!.token
  const start = Math.ceil(Date.now() / HOUR) * HOUR + 7 * DAY
  const window = { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 45 * MINUTE).toISOString() }
  const purpose = `Learn how the ${slug} robotics lab brings in junior engineers (information only)`
  const location = `https://meet.${slug}-robotics.example/grace`
  const requested = created(
    await t.request({
      method: 'POST',
      url: '/v1/meetings',
      token,
      payload: { contactId, kind: 'informational_interview', purpose, mode: 'video', location, proposedSlots: [window, { startsAt: new Date(start + DAY).toISOString(), endsAt: new Date(start + DAY + 30 * MINUTE).toISOString() }] },
    }),
    `${slug}'s meeting`,
  )
  const id = requested.id as string
  ok(await t.request({ method: 'POST', url: `/v1/meetings/${id}/schedule`, token, payload: window }), `scheduling ${slug}'s meeting`)
  const homework = `Read the ${slug} robotics lab's annual report`
  const customQuestion = `What surprised you most in the ${slug} robotics lab?`
  const prepared = ok(
    await t.request({
      method: 'PUT',
      url: `/v1/meetings/${id}/preparation`,
      token,
      payload: { homework, questionIds: [bank.custom.id, bank.standardId], customQuestions: [customQuestion] },
    }),
    `preparing ${slug}'s meeting`,
  )
  if (prepared.status !== 'scheduled' || (prepared.questions as unknown[]).length !== 3) throw new Error(`${slug}'s meeting is not scheduled and prepared: ${JSON.stringify(prepared)}`)
  return { id, purpose, location, homework, customQuestion, ...window }
}

async function calendarFeedsFixture(t: TestApp, school: TestSchool, slug: string): Promise<Record<MemberRoleName, CalendarFeedFixture>> {
  const feeds = {} as Record<MemberRoleName, CalendarFeedFixture>
  for (const role of ['student', 'alumni', 'advisor', 'school_admin'] as const) {
    const made = created(await t.request({ method: 'POST', url: '/v1/calendar-feeds', token: school.members[role]!.token }), `${slug}'s ${role}'s calendar feed`)
    const url = made.url as string
    const path = new URL(url).pathname
    const secret = /\/([A-Za-z0-9_-]+)\.ics$/.exec(path)?.[1]
    if (!secret) throw new Error(`${slug}'s ${role}'s calendar feed URL has no secret: ${url}`)
    feeds[role] = { id: made.id as string, url, path, secret }
  }
  return feeds
}

/** The test schools' time zone (t.school creates them in it); the hosts keep their hours in it too. */
const SCHOOL_ZONE = 'America/New_York'

/**
 * A host profile for the school's alumnus: weekday hours (Monday to Friday, 08:00-20:00 local), both
 * kinds, video and in person, room for several open requests. Every free text names the school.
 */
export function hostProfileBody(slug: string, phone: string) {
  return {
    organization: `${slug} Bioworks Institute`,
    title: `Principal scientist of the ${slug} bioworks`,
    industries: ['Biotechnology'],
    occupations: ['Research scientist'],
    offers: ['informational_interview', 'job_shadow'],
    modes: ['video', 'in_person'],
    location: `${slug} Bioworks, building 7`,
    backgroundTags: ['first-gen'],
    bio: `Twenty years at the ${slug} bioworks; glad to talk about lab careers`,
    accepting: true,
    timeZone: SCHOOL_ZONE,
    contactEmail: `host.alumna@${slug}-bioworks.example`,
    contactPhone: phone,
    capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 3, maxOpenRequests: 5 },
    availability: { weeklyWindows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '20:00' })), blackouts: [] },
  }
}

/** The first weekday at least a week ahead (local date in the schools' zone), and the weekday after it. */
function weekdaysAhead(): [DateTime, DateTime] {
  let first = DateTime.now().setZone(SCHOOL_ZONE).plus({ days: 7 }).startOf('day')
  while (first.weekday > 5) first = first.plus({ days: 1 })
  let second = first.plus({ days: 1 })
  while (second.weekday > 5) second = second.plus({ days: 1 })
  return [first, second]
}

function localSlot(day: DateTime, hour: number, minutes: number): SlotWindow {
  const start = day.set({ hour, minute: 0 })
  return { startsAt: start.toUTC().toISO()!, endsAt: start.plus({ minutes }).toUTC().toISO()! }
}

/**
 * The school's alumni hosting, created through the API: the alumnus's profile (as the alumnus), the
 * student's request (slots a week ahead, on weekdays inside the host's hours), a programme over the
 * two weeks from then with that host (capacity 1) and that student (as the advisor), and one run.
 */
async function hostingFixture(t: TestApp, school: TestSchool, slug: string, phone: string): Promise<HostingFixture> {
  const alumnus = school.members.alumni!
  const student = school.members.student!
  const advisor = school.members.advisor!.token
  const profile = hostProfileBody(slug, phone)
  created(await t.request({ method: 'PUT', url: `/v1/hosts/${alumnus.id}`, token: alumnus.token, payload: profile }), `${slug}'s host profile`)

  const [first, second] = weekdaysAhead()
  const proposedSlots = [localSlot(first, 14, 30), localSlot(second, 10, 45)]
  const purpose = `Learn how the ${slug} bioworks trains research scientists (information only)`
  const location = `https://meet.${slug}-bioworks.example/intro`
  const group = created(
    await t.request({
      method: 'POST',
      url: '/v1/host-requests',
      token: student.token,
      payload: { hostIds: [alumnus.id], kind: 'informational_interview', purpose, mode: 'video', location, proposedSlots },
    }),
    `${slug}'s host request`,
  )
  const [request] = group.items as Array<{ id: string; groupId: string; meetingId: string; status: string }>
  if (!request || request.status !== 'pending') throw new Error(`${slug}'s host request is not pending: ${JSON.stringify(group)}`)
  const meeting = ok(await t.request({ method: 'GET', url: `/v1/meetings/${request.meetingId}`, token: student.token }), `${slug}'s host request's meeting`)

  const startsOn = first.toISODate()!
  const endsOn = first.plus({ days: 13 }).toISODate()!
  const programBody = {
    name: `${slug} bioworks interview fortnight`,
    description: `Alumni of ${slug} meet the class of 2027`,
    kind: 'informational_interview',
    modes: ['video'],
    startsOn,
    endsOn,
  }
  const program = created(await t.request({ method: 'POST', url: '/v1/programs', token: advisor, payload: programBody }), `${slug}'s programme`)
  const programUrl = `/v1/programs/${program.id}`
  ok(await t.request({ method: 'PUT', url: `${programUrl}/hosts`, token: advisor, payload: { hosts: [{ hostId: alumnus.id, capacity: 1 }] } }), `${slug}'s programme hosts`)
  ok(await t.request({ method: 'PUT', url: `${programUrl}/students`, token: advisor, payload: { students: [{ studentId: student.id }] } }), `${slug}'s programme students`)
  const run = created(await t.request({ method: 'POST', url: `${programUrl}/assignment-runs`, token: advisor, payload: {} }), `${slug}'s assignment run`)
  const pairs = (run.pairs as Array<{ studentId: string; hostId: string }>).map(({ studentId, hostId }) => ({ studentId, hostId }))
  if (!isDeepStrictEqual(pairs, [{ studentId: student.id, hostId: alumnus.id }]) || run.publishedAt !== null) {
    throw new Error(`${slug}'s run does not pair its student with its host, unpublished: ${JSON.stringify(run)}`)
  }
  return {
    host: {
      memberId: alumnus.id,
      organization: profile.organization,
      title: profile.title,
      bio: profile.bio,
      location: profile.location,
      contactEmail: profile.contactEmail,
      contactPhone: profile.contactPhone,
    },
    request: { id: request.id, groupId: request.groupId, meetingId: request.meetingId, contactId: meeting.contactId as string, purpose, location, proposedSlots },
    program: { id: program.id as string, name: programBody.name, description: programBody.description, startsOn, endsOn },
    run: { id: run.id as string, inputDigest: run.inputDigest as string },
  }
}

/**
 * The student's meeting with their contact, held 100 days ago and not thanked. The API only completes
 * a meeting once it has begun, so a past one is written directly, as the school (row-level security
 * and the report triggers apply as to any write of the service).
 */
async function reportingFixture(t: TestApp, school: TestSchool, slug: string, contactId: string): Promise<ReportingFixture> {
  const start = Math.floor(Date.now() / HOUR) * HOUR - 100 * DAY
  const end = start + HOUR
  const purpose = `Ask how the ${slug} robotics lab hires its interns (held, never thanked)`
  const window = { startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString() }
  const meeting = await t.database.forSchool(school.id).db.meeting.create({
    data: {
      schoolId: school.id,
      studentId: school.members.student!.id,
      contactId,
      kind: 'informational_interview',
      status: 'completed',
      purpose,
      mode: 'phone',
      proposedSlots: [window],
      startsAt: new Date(start),
      endsAt: new Date(end),
      completedAt: new Date(end + HOUR),
      thankYouDueAt: new Date(end + DAY),
      createdAt: new Date(start - 10 * DAY),
    },
  })
  return { overdueMeeting: { id: meeting.id, purpose, startsAt: window.startsAt, thankYouDueAt: new Date(end + DAY).toISOString() } }
}

/**
 * The school admin subscribes the school's endpoint to every event type (as the first thing after
 * the school's identity provider and client exist, so each record created after it is announced).
 */
async function subscribeWebhook(t: TestApp, school: TestSchool, slug: string): Promise<WebhookFixture['webhook']> {
  const payload = { url: `https://${WEBHOOK_HOST}/${slug}/vantage-events`, eventTypes: [...EVENT_TYPE_NAMES], description: `${slug} career portal notifications` }
  const made = created(await t.request({ method: 'POST', url: '/v1/webhooks', token: school.members.school_admin!.token, payload }), `${slug}'s webhook`)
  const webhook = made.webhook as { id: string; url: string; status: string; eventTypes: string[] }
  if (webhook.url !== payload.url || webhook.status !== 'active' || !isDeepStrictEqual(webhook.eventTypes, payload.eventTypes) || !/^whsec_/.test(String(made.secret))) {
    throw new Error(`${slug}'s webhook is not an active subscription to every event type: ${JSON.stringify(created)}`)
  }
  return { id: webhook.id, url: webhook.url, description: payload.description, secret: made.secret as string }
}

/** The webhook's delivery log as the school admin reads it once the school's records exist. */
async function webhookFixture(t: TestApp, school: TestSchool, slug: string, webhook: WebhookFixture['webhook']): Promise<WebhookFixture> {
  const page = ok(
    await t.request({ method: 'GET', url: `/v1/webhooks/${webhook.id}/deliveries?limit=100`, token: school.members.school_admin!.token }),
    `${slug}'s webhook deliveries`,
  )
  const items = page.items as Array<{ id: string; webhookId: string; eventId: string; eventType: string; status: string }>
  const scheduled = items.filter((item) => item.eventType === 'meeting.scheduled')
  if (scheduled.length !== 1 || scheduled[0]!.status !== 'pending' || items.some((item) => item.webhookId !== webhook.id) || page.nextCursor !== null) {
    throw new Error(`${slug}'s webhook has not one pending meeting.scheduled delivery: ${JSON.stringify(page)}`)
  }
  return {
    webhook,
    delivery: { id: scheduled[0]!.id, eventId: scheduled[0]!.eventId },
    deliveries: items.map(({ id, eventId, eventType }) => ({ id, eventId, eventType })),
  }
}

async function tenantFixture(t: TestApp, slug: string, shape: ConversationShape, phone: string): Promise<TenantFixture> {
  const school = await t.school(slug)
  const admin = school.members.school_admin!.token
  const provider = created(
    await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/identity-providers`,
      token: admin,
      payload: {
        name: `${slug} SSO`,
        issuer: `https://sso.${slug}.example`,
        audience: `${slug}-portal`,
        jwksUri: `https://sso.${slug}.example/jwks.json`,
        algorithms: ['RS256'],
      },
    }),
    `${slug}'s identity provider`,
  )
  const made = created(
    await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/integration-clients`,
      token: admin,
      payload: { name: `${slug} portal`, scopes: CLIENT_SCOPES },
    }),
    `${slug}'s integration client`,
  )
  const client = made.client as { id: string; clientId: string }
  const webhook = await subscribeWebhook(t, school, slug)
  const conversations = await conversationsFixture(t, school, slug, shape)
  const questionBank = await questionBankFixture(t, school, slug)
  const meeting = await meetingFixture(t, school, slug, conversations.contact.id, questionBank)
  const calendarFeeds = await calendarFeedsFixture(t, school, slug)
  const hosting = await hostingFixture(t, school, slug, phone)
  const reporting = await reportingFixture(t, school, slug, conversations.contact.id)
  return {
    school: { ...school, name: `${slug} University` },
    identityProvider: { id: provider.id as string, issuer: provider.issuer as string, audience: provider.audience as string },
    integrationClient: {
      id: client.id,
      clientId: client.clientId,
      clientSecret: made.clientSecret as string,
      token: await t.clientToken(school.id, client.clientId, [...PORTAL_SCOPES, 'scim']),
      webhookToken: await t.clientToken(school.id, client.clientId, ['webhooks:manage']),
    },
    conversations,
    questionBank,
    meeting,
    calendarFeeds,
    hosting,
    reporting,
    webhooks: await webhookFixture(t, school, slug, webhook),
  }
}

/** Creates schools A and B through the API (as each school's admin) with one of every resource. */
export async function createCrossTenantFixture(t: TestApp, slugs: { a: string; b: string } = { a: 'xt-a', b: 'xt-b' }): Promise<CrossTenantFixture> {
  return {
    a: await tenantFixture(t, slugs.a, { source: 'cold', channel: 'linkedin', outcome: 'agreed' }, '+1 (555) 010-4471'),
    b: await tenantFixture(t, slugs.b, { source: 'personal', channel: 'email', outcome: 'replied' }, '+1 (555) 010-8832'),
  }
}

export function tokenOf(tenant: TenantFixture, caller: Caller): string {
  if (caller === 'client') return tenant.integrationClient.token
  if (caller === 'webhook_client') return tenant.integrationClient.webhookToken
  const member = tenant.school.members[caller]
  if (!member) throw new Error(`school ${tenant.school.slug} has no ${caller}`)
  return member.token
}

/** Strings identifying A's data that must never appear in an answer to B (A's external ids are not
 *  among them: B may use the same external ids for its own members). */
export function secretsOf(tenant: TenantFixture): string[] {
  return [
    tenant.school.id,
    tenant.school.name,
    ...Object.values(tenant.school.members).flatMap((member) => [member.id, `${member.externalId}@`]),
    tenant.identityProvider.id,
    tenant.identityProvider.issuer,
    tenant.identityProvider.audience,
    tenant.integrationClient.id,
    tenant.integrationClient.clientId,
    tenant.integrationClient.clientSecret,
    ...conversationSecrets(tenant.conversations),
    ...meetingSecrets(tenant),
    ...hostingSecrets(tenant.hosting),
    tenant.reporting.overdueMeeting.id,
    tenant.reporting.overdueMeeting.purpose,
    ...webhookSecrets(tenant.webhooks),
  ]
}

/** A's webhook (its endpoint, description and signing secret) and its delivery log (deliveries and events). */
function webhookSecrets({ webhook, deliveries }: WebhookFixture): string[] {
  return [webhook.id, webhook.url, webhook.description, webhook.secret, ...deliveries.flatMap((delivery) => [delivery.id, delivery.eventId])]
}

/** A's host profile (its private contact details too), A's student's request, A's programme and run. */
function hostingSecrets({ host, request, program, run }: HostingFixture): string[] {
  return [
    host.organization,
    host.title,
    host.bio,
    host.location,
    host.contactEmail,
    host.contactPhone,
    request.id,
    request.groupId,
    request.meetingId,
    request.contactId,
    request.purpose,
    request.location,
    program.id,
    program.name,
    program.description,
    run.id,
    run.inputDigest,
  ]
}

/** A's meeting, its preparation, A's own bank question (the standard texts are every school's) and A's feeds. */
function meetingSecrets({ meeting, questionBank, calendarFeeds }: TenantFixture): string[] {
  return [
    meeting.id,
    meeting.purpose,
    meeting.location,
    meeting.homework,
    meeting.customQuestion,
    questionBank.custom.id,
    questionBank.custom.text,
    questionBank.standardId,
    ...Object.values(calendarFeeds).flatMap((feed) => [feed.id, feed.secret]),
  ]
}

function conversationSecrets({ contact, outreach, referral, referredContact }: Conversations): string[] {
  return [
    contact.id,
    contact.fullName,
    contact.email,
    contact.organization,
    contact.notes,
    outreach.id,
    outreach.message,
    referral.id,
    referral.note,
    referredContact.id,
    referredContact.fullName,
    referredContact.email,
  ]
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

export interface CaseContext {
  t: TestApp
  f: CrossTenantFixture
  /** Owner connection: reads rows as they are, past row-level security. */
  owner: pg.Client
}

export interface CrossTenantRequest {
  url: string
  payload?: unknown
  headers?: Record<string, string>
}

export interface Expectation<P = unknown> {
  /** What the answer must be, for failure messages. */
  describe: string
  /** Reads state before the request (e.g. whether B already has a row), handed to `check`. */
  prepare?(ctx: CaseContext): Promise<P>
  check(response: LightMyRequestResponse, ctx: CaseContext, prepared: P): void | Promise<void>
}

export interface CrossTenantCase {
  /** The route exactly as registered: method, a space, the URL pattern. */
  route: string
  /** Which of B's callers sends the request. */
  as: Caller
  /** What the case aims at, for failure messages. */
  name: string
  request(f: CrossTenantFixture): CrossTenantRequest
  // biome-ignore lint/suspicious/noExplicitAny: each case pairs its own prepare/check types
  expect: Expectation<any>
}

const SHARE_ALL = { name: true, major: true, graduationYear: true, fieldsOfInterest: true, backgroundTags: true }
const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

function fail(message: string): never {
  throw new Error(message)
}

function equal(actual: unknown, expected: unknown, what: string) {
  if (!isDeepStrictEqual(actual, expected)) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

function problem(code: string, status: number, title: string): Expectation {
  return {
    describe: `${status} ${PROBLEM_JSON} urn:vantage:problem:${code}`,
    check(response) {
      equal(response.statusCode, status, 'status')
      equal(response.headers['content-type'], PROBLEM_JSON, 'content-type')
      const body = response.json() as Record<string, unknown>
      equal(body.type, `urn:vantage:problem:${code}`, 'problem type')
      equal(body.title, title, 'problem title')
      equal(body.status, status, 'problem status')
    },
  }
}

/** A resource of A is addressed: B learns nothing, not even that it exists. */
export const notFound = (): Expectation => problem('not-found', 404, 'No such resource')
/** The route is closed to B's caller whatever it names (the same for A's ids as for any other). */
export const forbidden = (): Expectation => problem('forbidden', 403, 'The caller may not do this')

type Table = 'members' | 'identity_providers' | 'integration_clients' | 'contacts' | 'referrals' | 'meetings' | 'programs'

/** B's write clashes with something of another school it may not learn more about. */
export const conflict = (): Expectation => problem('conflict', 409, 'The request conflicts with the current state')

/**
 * A list: B's caller gets exactly B's rows of `table`, all of them, and none of A's. With `ofStudent`,
 * only the rows of B's student (a student lists their own records).
 */
export function onlyOwnRows(table: Table, options: { ofStudent?: boolean } = {}): Expectation {
  return {
    describe: `200 with exactly B's ${table}${options.ofStudent ? " of B's student" : ''}`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { items: Array<{ id: string; schoolId?: string }>; nextCursor: string | null }
      const { rows } = options.ofStudent
        ? await owner.query<{ id: string }>(`SELECT id::text FROM ${table} WHERE school_id = $1 AND student_id = $2 ORDER BY id`, [f.b.school.id, f.b.conversations.studentId])
        : await owner.query<{ id: string }>(`SELECT id::text FROM ${table} WHERE school_id = $1 ORDER BY id`, [f.b.school.id])
      if (rows.length === 0) fail(`the fixture gives B no ${table}; the list would prove nothing`)
      equal(body.items.map((item) => item.id).sort(), rows.map((row) => row.id).sort(), `ids listed (B's ${table})`)
      equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

/**
 * `base`, and B's caller writes nothing aimed at A, nor anything of B's own: the whole of B is as it
 * was, and so is the whole of A (checked for this request alone; the runner checks A after the whole
 * matrix too).
 */
export function writingNothing(base: Expectation): Expectation<{ a: Record<string, unknown[]>; b: Record<string, unknown[]> }> {
  return {
    describe: `${base.describe}, none of A's or B's rows written`,
    prepare: async ({ f, owner }) => ({ a: await snapshotSchool(owner, f.a.school.id), b: await snapshotSchool(owner, f.b.school.id) }),
    async check(response, ctx, before) {
      await base.check(response, ctx, undefined)
      for (const side of ['a', 'b'] as const) {
        const after = await snapshotSchool(ctx.owner, ctx.f[side].school.id)
        for (const table of new Set([...Object.keys(before[side]), ...Object.keys(after)])) {
          equal(after[table], before[side][table], `${side.toUpperCase()}'s ${table} rows`)
        }
      }
    },
  }
}

/** A 404 that writes nothing. */
export function notFoundWritingNothing(): Expectation<{ a: Record<string, unknown[]>; b: Record<string, unknown[]> }> {
  return writingNothing(notFound())
}

/**
 * A 404 with this problem detail that writes nothing: the refusal is for the id it should be (e.g.
 * "No such host (hostIds.1)": A's host named second, after B's own).
 */
export function notFoundOfWritingNothing(detail: string): Expectation<{ a: Record<string, unknown[]>; b: Record<string, unknown[]> }> {
  return writingNothing(withDetail(notFound(), detail))
}

/** A 400 naming `field` (a field of B's body that names A's record), writing nothing. */
export function invalidWritingNothing(field: string): Expectation<{ a: Record<string, unknown[]>; b: Record<string, unknown[]> }> {
  const base = problem('validation-failed', 400, 'The request is not valid')
  return writingNothing({
    describe: `${base.describe} on ${field}`,
    async check(response, ctx) {
      await base.check(response, ctx, undefined)
      const body = response.json() as { errors?: Array<{ field: string }> }
      equal(body.errors?.map((error) => error.field), [field], 'errors[].field')
    },
  })
}

function withDetail(base: Expectation, detail: string): Expectation {
  return {
    describe: `${base.describe} "${detail}"`,
    async check(response, ctx) {
      await base.check(response, ctx, undefined)
      equal((response.json() as { detail?: string }).detail, detail, 'problem detail')
    },
  }
}

interface Rate {
  attempts: number
  replies: number
  agreed: number
  replyRate: number | null
}
export interface OutreachStatsBody {
  overall: Rate
  bySource: Array<Rate & { source: string }>
  byChannel: Array<Rate & { channel: string }>
}

/** Reply rates computed here, from the rows as they are, independently of the service's SQL. */
export async function expectedOutreachStats(owner: pg.Client, schoolIds: string[], studentId?: string): Promise<OutreachStatsBody> {
  const { rows } = await owner.query<{ source: string; channel: string; outcome: string }>(
    `SELECT c.source::text AS source, o.channel::text AS channel, o.outcome::text AS outcome
       FROM outreach o JOIN contacts c ON c.school_id = o.school_id AND c.id = o.contact_id
      WHERE o.school_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR o.student_id = $2::uuid)`,
    [schoolIds, studentId ?? null],
  )
  const rate = (subset: typeof rows): Rate => {
    const replies = subset.filter((row) => row.outcome !== 'no_reply').length
    return { attempts: subset.length, replies, agreed: subset.filter((row) => row.outcome === 'agreed').length, replyRate: subset.length ? replies / subset.length : null }
  }
  return {
    overall: rate(rows),
    bySource: CONTACT_SOURCES.map((source) => ({ source, ...rate(rows.filter((row) => row.source === source)) })),
    byChannel: OUTREACH_CHANNELS.map((channel) => ({ channel, ...rate(rows.filter((row) => row.channel === channel)) })),
  }
}

/** GET /v1/outreach/stats: the numbers of B's outreach alone (of B's student's, for a student). */
export function ownOutreachStats(options: { ofStudent?: boolean } = {}): Expectation {
  return {
    describe: `200 with reply rates counted from B's outreach${options.ofStudent ? " of B's student" : ''} alone`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const studentId = options.ofStudent ? f.b.conversations.studentId : undefined
      const expected = await expectedOutreachStats(owner, [f.b.school.id], studentId)
      if (expected.overall.attempts === 0) fail('the fixture gives B no outreach; the stats would prove nothing')
      const mixed = await expectedOutreachStats(owner, [f.a.school.id, f.b.school.id])
      if (isDeepStrictEqual(mixed, await expectedOutreachStats(owner, [f.b.school.id]))) fail("A's outreach would not change B's numbers; the check would prove nothing")
      equal(response.json(), expected, 'stats')
    },
  }
}

/** GET /v1/members/{B's student}/network: B's student's contacts and referrals, nothing else. */
export function ownNetwork(): Expectation {
  return {
    describe: "200 with B's student's contacts and referrals only",
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      const body = response.json() as { studentId: string; nodes: Array<{ contactId: string }>; edges: Array<{ referralId: string }> }
      const studentId = f.b.conversations.studentId
      const contacts = await owner.query<{ id: string }>('SELECT id::text FROM contacts WHERE school_id = $1 AND student_id = $2 ORDER BY id', [f.b.school.id, studentId])
      const referrals = await owner.query<{ id: string }>('SELECT id::text FROM referrals WHERE school_id = $1 AND student_id = $2 ORDER BY id', [f.b.school.id, studentId])
      if (referrals.rows.length === 0) fail('the fixture gives B\'s student no referral; the network would prove nothing')
      equal(body.studentId, studentId, 'studentId')
      equal(body.nodes.map((node) => node.contactId).sort(), contacts.rows.map((row) => row.id), 'nodes (contact ids)')
      equal(body.edges.map((edge) => edge.referralId).sort(), referrals.rows.map((row) => row.id), 'edges (referral ids)')
    },
  }
}

/**
 * GET /v1/members/{B's student}/perspectives: the people, organizations and industries of B's
 * student's held meetings as B's rows have them, and suggestions naming only B's contacts and hosts.
 */
export function ownPerspectives(): Expectation {
  return {
    describe: "200 with B's student's perspectives, from B's rows only",
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { studentId: string; totals: Record<string, number>; suggestions: Array<{ contactId: string | null; hostId: string | null }> }
      const studentId = f.b.conversations.studentId
      const { rows: [held] } = await owner.query<{ people: number; organizations: number; industries: number; meetings: number }>(
        `SELECT count(*)::int AS meetings, count(DISTINCT m.contact_id)::int AS people, count(DISTINCT nullif(lower(btrim(c.organization)), ''))::int AS organizations,
                count(DISTINCT nullif(lower(btrim(c.industry)), ''))::int AS industries
           FROM meetings m JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id
          WHERE m.school_id = $1 AND m.student_id = $2 AND m.completed_at IS NOT NULL AND m.completed_at < now()`,
        [f.b.school.id, studentId],
      )
      if (held!.people === 0) fail('the fixture gives B\'s student no held meeting; the totals would prove nothing')
      equal(body.studentId, studentId, 'studentId')
      equal([body.totals.meetings, body.totals.people, body.totals.organizations, body.totals.industries], [held!.meetings, held!.people, held!.organizations, held!.industries], 'totals')
      const contacts = new Set((await owner.query<{ id: string }>('SELECT id::text FROM contacts WHERE school_id = $1', [f.b.school.id])).rows.map((r) => r.id))
      const hosts = new Set((await owner.query<{ id: string }>('SELECT member_id::text AS id FROM host_profiles WHERE school_id = $1', [f.b.school.id])).rows.map((r) => r.id))
      const foreign = body.suggestions.filter((s) => (s.contactId !== null && !contacts.has(s.contactId)) || (s.hostId !== null && !hosts.has(s.hostId)))
      equal(foreign, [], "suggestions outside B's contacts and hosts")
    },
  }
}

/** /v1/me: B's caller is told it is B's caller. */
export function ownCaller(caller: Caller): Expectation {
  return {
    describe: `200 naming B's school and B's ${caller}`,
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      const body = response.json() as { school: { id: string; slug: string } | null; member: { id: string } | null; kind: string }
      equal(body.school, { id: f.b.school.id, slug: f.b.school.slug, name: f.b.school.name, timeZone: 'America/New_York' }, 'school')
      equal(body.member?.id ?? null, isClient(caller) ? null : f.b.school.members[caller]!.id, 'member id')
    },
  }
}

export const ME_QUERY = '{ me { kind subject school { id slug name } member { id externalId } roles scopes } }'

/** GraphQL `me`: B's own school and member only. */
export function graphqlOwnCaller(caller: Caller): Expectation {
  return {
    describe: `200 GraphQL data.me with B's school and B's ${caller}`,
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      const body = response.json() as { data?: { me: { school: unknown; member: { id: string } | null } }; errors?: unknown }
      equal(body.errors, undefined, 'errors')
      equal(body.data?.me.school, { id: f.b.school.id, slug: f.b.school.slug, name: f.b.school.name }, 'data.me.school')
      equal(body.data?.me.member?.id ?? null, isClient(caller) ? null : f.b.school.members[caller]!.id, 'data.me.member.id')
    },
  }
}

async function memberIdsByExternalId(owner: pg.Client, schoolId: string, externalIds: string[]): Promise<Map<string, string>> {
  const { rows } = await owner.query<{ external_id: string; id: string }>(
    'SELECT external_id, id::text FROM members WHERE school_id = $1 AND external_id = ANY($2)',
    [schoolId, externalIds],
  )
  return new Map(rows.map((row) => [row.external_id, row.id]))
}

/**
 * PUT /v1/members/{externalId} with an external id that A uses: the token alone picks the school, so
 * B's caller creates (201) or replaces (200) B's own member, never touches A's.
 */
export function provisionsOwnMember(externalId: (f: CrossTenantFixture) => string): Expectation<Map<string, string>> {
  return {
    describe: "201 (or 200 when B already has it) with B's own member, A's untouched",
    prepare: ({ f, owner }) => memberIdsByExternalId(owner, f.b.school.id, [externalId(f)]),
    async check(response, { f, owner }, before) {
      const id = externalId(f)
      equal(response.statusCode, before.has(id) ? 200 : 201, 'status')
      const body = response.json() as { id: string; externalId: string }
      equal(body.externalId, id, 'externalId')
      if (before.has(id)) equal(body.id, before.get(id), 'id of the existing member of B')
      const after = await memberIdsByExternalId(owner, f.b.school.id, [id])
      equal(after.get(id), body.id, "the answered id is B's row")
    },
  }
}

/** POST /v1/members:bulk with A's external ids: every row written is B's. */
export function bulkProvisionsOwnMembers(externalIds: (f: CrossTenantFixture) => string[]): Expectation<Map<string, string>> {
  return {
    describe: "200 with B's own members only",
    prepare: ({ f, owner }) => memberIdsByExternalId(owner, f.b.school.id, externalIds(f)),
    async check(response, { f, owner }, before) {
      equal(response.statusCode, 200, 'status')
      const ids = externalIds(f)
      const body = response.json() as { created: number; updated: number; members: Array<{ externalId: string; id: string; outcome: string }> }
      const after = await memberIdsByExternalId(owner, f.b.school.id, ids)
      equal(
        body.members,
        ids.map((externalId) => ({ externalId, id: after.get(externalId), outcome: before.has(externalId) ? 'updated' : 'created' })),
        'members',
      )
      equal(body.created, ids.filter((externalId) => !before.has(externalId)).length, 'created')
    },
  }
}

const SCHOOLS = '/v1/schools'
const IDPS = '/v1/schools/:schoolId/identity-providers'
const CLIENTS = '/v1/schools/:schoolId/integration-clients'

// B's keys on the host of A's issuer, as the issuer rule asks: what refuses B is that the pair is A's.
const validProvider = (f: CrossTenantFixture) => ({
  name: 'B takes over',
  issuer: f.a.identityProvider.issuer,
  audience: f.a.identityProvider.audience,
  jwksUri: `${new URL(f.a.identityProvider.issuer).origin}/attacker-jwks.json`,
  algorithms: ['RS256'],
})
const providerPatch = { name: 'renamed by B', enabled: false, jwksUri: 'https://attacker.example/jwks.json' }
const clientBody = { name: 'B in A', scopes: ['members:read', 'members:write'] }
const clientPatch = { name: 'renamed by B', enabled: false, scopes: ['reports:read'] }
const memberBody = { roles: ['school_admin'], givenName: 'Mallory', email: 'mallory@b.example' }
/** A portal client may not grant school_admin (nor change a school admin): it provisions advisors. */
const clientMemberBody = { ...memberBody, roles: ['advisor'] }

/** Both ways to name A's identity provider: in A's path, and in B's own path. */
function idpPaths(f: CrossTenantFixture) {
  return [
    { name: "A's provider in A's path", url: `${SCHOOLS}/${f.a.school.id}/identity-providers/${f.a.identityProvider.id}` },
    { name: "A's provider in B's path", url: `${SCHOOLS}/${f.b.school.id}/identity-providers/${f.a.identityProvider.id}` },
  ]
}
function clientPaths(f: CrossTenantFixture) {
  return [
    { name: "A's client in A's path", url: `${SCHOOLS}/${f.a.school.id}/integration-clients/${f.a.integrationClient.id}` },
    { name: "A's client in B's path", url: `${SCHOOLS}/${f.b.school.id}/integration-clients/${f.a.integrationClient.id}` },
  ]
}

/** Entries for a route that names A's resource two ways (A's path, B's path). */
function bothPaths(
  route: string,
  paths: (f: CrossTenantFixture) => Array<{ name: string; url: string }>,
  suffix = '',
  payload?: (f: CrossTenantFixture) => unknown,
): CrossTenantCase[] {
  return [0, 1].map((index) => ({
    route,
    as: 'school_admin' as const,
    name: index === 0 ? 'A\'s resource in A\'s path' : 'A\'s resource in B\'s path',
    request: (f: CrossTenantFixture) => ({ url: `${paths(f)[index]!.url}${suffix}`, ...(payload ? { payload: payload(f) } : {}) }),
    expect: notFound(),
  }))
}

const MEMBER_READERS: Caller[] = ['school_admin', 'advisor', 'student', 'alumni', 'client']

/** A list whose items are exactly the given ids (B's own), in any order; `key` names an item's id (default `id`). */
export function listsExactly(ids: (f: CrossTenantFixture) => string[], what: string, key = 'id'): Expectation {
  return {
    describe: `200 listing exactly ${what}`,
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { items: Array<Record<string, unknown>>; nextCursor?: string | null }
      equal(body.items.map((item) => item[key]).sort(), [...ids(f)].sort(), `${key}s listed (${what})`)
      if ('nextCursor' in body) equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

// Contacts, outreach and referrals: students read and write their own; advisors and school admins read
// the school's and write nothing; alumni and integration clients have no access at all.
const CONTACTS = '/v1/contacts'
const CONVERSATION_READERS = ['student', 'advisor', 'school_admin'] as const
const STAFF = ['advisor', 'school_admin'] as const
const NO_ACCESS = ['alumni', 'client'] as const

/** The same request and expectation for each of `callers`. */
function asEach(
  callers: readonly Caller[],
  route: string,
  name: string,
  request: (f: CrossTenantFixture) => CrossTenantRequest,
  expect: (as: Caller) => Expectation,
): CrossTenantCase[] {
  return callers.map((as) => ({ route, as, name, request, expect: expect(as) }))
}

/** A's contacts in a path: the one the student added, and the one a referral added. */
const aContacts = (f: CrossTenantFixture) => [
  { name: "A's contact", id: f.a.conversations.contact.id },
  { name: "A's referred contact", id: f.a.conversations.referredContact.id },
]

/** One entry per A contact for each of `callers`. */
function perAContact(
  callers: readonly Caller[],
  route: string,
  url: (contactId: string, f: CrossTenantFixture) => string,
  expect: (as: Caller) => Expectation,
  payload?: (f: CrossTenantFixture) => unknown,
): CrossTenantCase[] {
  return [0, 1].flatMap((index) =>
    callers.map((as) => ({
      route,
      as,
      name: index === 0 ? "A's contact" : "A's referred contact",
      request: (f: CrossTenantFixture) => ({ url: url(aContacts(f)[index]!.id, f), ...(payload ? { payload: payload(f) } : {}) }),
      expect: expect(as),
    })),
  )
}

const contactPatch = () => ({ notes: 'B was here', email: 'mallory@b.example', source: 'cold' })
const linkedToAsAlumnus = (f: CrossTenantFixture) => ({ fullName: 'Linked by B', source: 'alumni_network', alumniMemberId: f.a.school.members.alumni!.id })
const outreachBody = () => ({ channel: 'email', message: 'B writes to A', mutualContact: 'Mallory' })
const aStudent = (f: CrossTenantFixture) => f.a.conversations.studentId

const CONVERSATION_CASES: CrossTenantCase[] = [
  // --- contacts ------------------------------------------------------------------------------------
  {
    route: `POST ${CONTACTS}`,
    as: 'student',
    name: "a contact linked to A's alumnus",
    request: (f) => ({ url: CONTACTS, payload: linkedToAsAlumnus(f) }),
    expect: notFoundWritingNothing(),
  },
  ...asEach([...STAFF, ...NO_ACCESS], `POST ${CONTACTS}`, "a contact linked to A's alumnus", (f) => ({ url: CONTACTS, payload: linkedToAsAlumnus(f) }), forbidden),
  { route: `GET ${CONTACTS}`, as: 'student', name: 'list contacts', request: () => ({ url: `${CONTACTS}?limit=100` }), expect: onlyOwnRows('contacts', { ofStudent: true }) },
  ...asEach(STAFF, `GET ${CONTACTS}`, 'list contacts', () => ({ url: `${CONTACTS}?limit=100` }), () => onlyOwnRows('contacts')),
  ...asEach(
    CONVERSATION_READERS,
    `GET ${CONTACTS}`,
    "search for a name both A and B have, sorted by name",
    () => ({ url: `${CONTACTS}?q=${encodeURIComponent('grace hopper')}&sort=name&limit=100` }),
    () => listsExactly((f) => [f.b.conversations.contact.id], "B's Grace Hopper"),
  ),
  // A near spelling (pg_trgm) and the guide's sources as filters: A's contact matches each as well.
  ...asEach(
    CONVERSATION_READERS,
    `GET ${CONTACTS}`,
    'search with a typo for a name both A and B have',
    () => ({ url: `${CONTACTS}?q=${encodeURIComponent('grace hoppr')}&limit=100` }),
    () => listsExactly((f) => [f.b.conversations.contact.id], "B's Grace Hopper"),
  ),
  ...asEach(
    CONVERSATION_READERS,
    `GET ${CONTACTS}`,
    'filtered by relationship and reason, as A\'s contact is too',
    () => ({ url: `${CONTACTS}?relationship=professor&reason=similar_path&limit=100` }),
    () => listsExactly((f) => [f.b.conversations.contact.id], "B's professor chosen for a similar path"),
  ),
  // `?studentId=<A's student>` asked by B's advisor or admin: A's student is no student of B, so 404
  // (the same answer as for a student id no one has); the same on the other lists and the stats.
  ...asEach(
    STAFF,
    `GET ${CONTACTS}`,
    "A's student's contacts",
    (f) => ({ url: `${CONTACTS}?studentId=${aStudent(f)}&limit=100` }),
    () => notFound(),
  ),
  { route: `GET ${CONTACTS}`, as: 'student', name: "A's student's contacts", request: (f) => ({ url: `${CONTACTS}?studentId=${aStudent(f)}` }), expect: notFound() },
  ...asEach(NO_ACCESS, `GET ${CONTACTS}`, 'list contacts', () => ({ url: `${CONTACTS}?limit=100` }), forbidden),
  ...perAContact(CONVERSATION_READERS, `GET ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, notFound),
  ...perAContact(NO_ACCESS, `GET ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, forbidden),
  ...perAContact(['student'], `PATCH ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, notFoundWritingNothing, contactPatch),
  {
    route: `PATCH ${CONTACTS}/:contactId`,
    as: 'student',
    name: "link B's own contact to A's alumnus",
    request: (f) => ({ url: `${CONTACTS}/${f.b.conversations.contact.id}`, payload: { alumniMemberId: f.a.school.members.alumni!.id } }),
    expect: notFoundWritingNothing(),
  },
  ...perAContact([...STAFF, ...NO_ACCESS], `PATCH ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, forbidden, contactPatch),
  ...perAContact(['student'], `DELETE ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, notFound),
  ...perAContact([...STAFF, ...NO_ACCESS], `DELETE ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, forbidden),

  // --- outreach ------------------------------------------------------------------------------------
  ...perAContact(['student'], `POST ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, notFoundWritingNothing, outreachBody),
  ...perAContact([...STAFF, ...NO_ACCESS], `POST ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, forbidden, outreachBody),
  ...perAContact(CONVERSATION_READERS, `GET ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, notFound),
  ...perAContact(NO_ACCESS, `GET ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, forbidden),
  ...asEach(
    CONVERSATION_READERS,
    `GET ${CONTACTS}/:contactId/outreach`,
    "B's own contact's outreach",
    (f) => ({ url: `${CONTACTS}/${f.b.conversations.contact.id}/outreach` }),
    () => listsExactly((f) => [f.b.conversations.outreach.id], "B's outreach to that contact"),
  ),
  {
    route: `PATCH ${CONTACTS}/:contactId/outreach/:outreachId`,
    as: 'student',
    name: "A's outreach on A's contact",
    request: (f) => ({ url: `${CONTACTS}/${f.a.conversations.contact.id}/outreach/${f.a.conversations.outreach.id}`, payload: { outcome: 'declined' } }),
    expect: notFoundWritingNothing(),
  },
  {
    route: `PATCH ${CONTACTS}/:contactId/outreach/:outreachId`,
    as: 'student',
    name: "A's outreach under B's own contact",
    request: (f) => ({ url: `${CONTACTS}/${f.b.conversations.contact.id}/outreach/${f.a.conversations.outreach.id}`, payload: { outcome: 'declined' } }),
    expect: notFoundWritingNothing(),
  },
  ...asEach(
    [...STAFF, ...NO_ACCESS],
    `PATCH ${CONTACTS}/:contactId/outreach/:outreachId`,
    "A's outreach on A's contact",
    (f) => ({ url: `${CONTACTS}/${f.a.conversations.contact.id}/outreach/${f.a.conversations.outreach.id}`, payload: { outcome: 'declined' } }),
    forbidden,
  ),
  { route: 'GET /v1/outreach/stats', as: 'student', name: 'reply rates', request: () => ({ url: '/v1/outreach/stats' }), expect: ownOutreachStats({ ofStudent: true }) },
  ...asEach(STAFF, 'GET /v1/outreach/stats', "the school's reply rates", () => ({ url: '/v1/outreach/stats' }), () => ownOutreachStats()),
  ...asEach(
    STAFF,
    'GET /v1/outreach/stats',
    "A's student's reply rates",
    (f) => ({ url: `/v1/outreach/stats?studentId=${aStudent(f)}` }),
    () => notFound(),
  ),
  { route: 'GET /v1/outreach/stats', as: 'student', name: "A's student's reply rates", request: (f) => ({ url: `/v1/outreach/stats?studentId=${aStudent(f)}` }), expect: notFound() },
  ...asEach(NO_ACCESS, 'GET /v1/outreach/stats', 'reply rates', () => ({ url: '/v1/outreach/stats' }), forbidden),

  // --- referrals -----------------------------------------------------------------------------------
  ...[
    { name: "referrer A's contact, referred a new person", body: (f: CrossTenantFixture) => ({ referrer: { contactId: f.a.conversations.contact.id }, referred: { contact: { fullName: 'New by B' } } }) },
    { name: "referrer by name, referred A's contact", body: (f: CrossTenantFixture) => ({ referrer: { name: 'Mallory' }, referred: { contactId: f.a.conversations.contact.id } }) },
    {
      name: "referrer B's own contact, referred A's referred contact",
      body: (f: CrossTenantFixture) => ({ referrer: { contactId: f.b.conversations.contact.id }, referred: { contactId: f.a.conversations.referredContact.id } }),
    },
    {
      name: "referrer A's contact, referred B's own contact",
      body: (f: CrossTenantFixture) => ({ referrer: { contactId: f.a.conversations.contact.id }, referred: { contactId: f.b.conversations.referredContact.id } }),
    },
  ].flatMap(({ name, body }): CrossTenantCase[] => [
    { route: 'POST /v1/referrals', as: 'student', name, request: (f) => ({ url: '/v1/referrals', payload: body(f) }), expect: notFoundWritingNothing() },
    ...asEach([...STAFF, ...NO_ACCESS], 'POST /v1/referrals', name, (f) => ({ url: '/v1/referrals', payload: body(f) }), forbidden),
  ]),
  { route: 'GET /v1/referrals', as: 'student', name: 'list referrals', request: () => ({ url: '/v1/referrals?limit=100' }), expect: onlyOwnRows('referrals', { ofStudent: true }) },
  ...asEach(STAFF, 'GET /v1/referrals', 'list referrals', () => ({ url: '/v1/referrals?limit=100' }), () => onlyOwnRows('referrals')),
  ...asEach(
    STAFF,
    'GET /v1/referrals',
    "A's student's referrals",
    (f) => ({ url: `/v1/referrals?studentId=${aStudent(f)}&limit=100` }),
    () => notFound(),
  ),
  { route: 'GET /v1/referrals', as: 'student', name: "A's student's referrals", request: (f) => ({ url: `/v1/referrals?studentId=${aStudent(f)}` }), expect: notFound() },
  ...asEach(NO_ACCESS, 'GET /v1/referrals', 'list referrals', () => ({ url: '/v1/referrals?limit=100' }), forbidden),
  ...asEach(CONVERSATION_READERS, 'GET /v1/referrals/:referralId', "A's referral", (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}` }), notFound),
  ...asEach(NO_ACCESS, 'GET /v1/referrals/:referralId', "A's referral", (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}` }), forbidden),
  {
    route: 'PATCH /v1/referrals/:referralId',
    as: 'student',
    name: "A's referral",
    request: (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}`, payload: { status: 'declined', note: 'B was here' } }),
    expect: notFoundWritingNothing(),
  },
  ...asEach(
    [...STAFF, ...NO_ACCESS],
    'PATCH /v1/referrals/:referralId',
    "A's referral",
    (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}`, payload: { status: 'declined', note: 'B was here' } }),
    forbidden,
  ),

  // --- a student's network -------------------------------------------------------------------------
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/network', "A's student's network", (f) => ({ url: `/v1/members/${aStudent(f)}/network` }), notFound),
  ...asEach(NO_ACCESS, 'GET /v1/members/:memberId/network', "A's student's network", (f) => ({ url: `/v1/members/${aStudent(f)}/network` }), forbidden),
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/network', "B's student's network", (f) => ({ url: `/v1/members/${f.b.conversations.studentId}/network` }), ownNetwork),
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/perspectives', "A's student's perspectives", (f) => ({ url: `/v1/members/${aStudent(f)}/perspectives` }), notFound),
  ...asEach(NO_ACCESS, 'GET /v1/members/:memberId/perspectives', "A's student's perspectives", (f) => ({ url: `/v1/members/${aStudent(f)}/perspectives` }), forbidden),
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/perspectives', "B's student's perspectives", (f) => ({ url: `/v1/members/${f.b.conversations.studentId}/perspectives` }), ownPerspectives),
]

// ---------------------------------------------------------------------------------------------
// Meetings, the question bank and calendar feeds
// ---------------------------------------------------------------------------------------------

const CALENDAR_TYPE = 'text/calendar; charset=utf-8'

/**
 * An iCalendar document as a reader sees it. iCalendar folds lines longer than 75 octets (a line
 * break and a space, anywhere, even inside a word) and escapes commas, semicolons and backslashes, so
 * a purpose or a name can be in an event and yet not in the document as written.
 */
export function unfoldCalendar(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '').replace(/\\([\\;,nN])/g, (_, character: string) => (character.toLowerCase() === 'n' ? '\n' : character))
}

/** The UIDs of the events of an iCalendar document, in order. */
export function calendarUids(text: string): string[] {
  return [...unfoldCalendar(text).matchAll(/^UID:([^\r\n]+)/gm)].map((match) => match[1]!)
}

/** GET /v1/meetings/{B's meeting}: B's own meeting, as B's student prepared it. */
export function ownMeeting(): Expectation {
  return {
    describe: "200 with B's student's meeting",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { id: string; studentId: string; contactId: string; purpose: string; status: string; questions: Array<{ questionId: string | null }> }
      equal([body.id, body.studentId, body.contactId, body.purpose], [f.b.meeting.id, f.b.conversations.studentId, f.b.conversations.contact.id, f.b.meeting.purpose], 'meeting')
      equal(body.questions.map((question) => question.questionId), [f.b.questionBank.custom.id, f.b.questionBank.standardId, null], 'questions (bank, bank, own)')
    },
  }
}

/**
 * GET /v1/meetings/{B's meeting}/checklist: B's meeting's seven steps, read from B's rows alone (its
 * preparation as B's student prepared it; no referral names it, whatever A holds).
 */
export function ownMeetingChecklist(): Expectation {
  return {
    describe: "200 with B's meeting's seven steps",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { meetingId: string; steps: Array<{ step: string; state: string }> }
      equal(body.meetingId, f.b.meeting.id, 'meeting')
      equal(body.steps.map((s) => s.step), ['arrange', 'resume', 'homework', 'questions', 'listen', 'time', 'follow-up'], 'steps')
      equal(body.steps.find((s) => s.step === 'arrange')!.state, 'done', 'arrange (B\'s meeting is scheduled)')
    },
  }
}

/** GET /v1/meetings/{B's meeting}/calendar.ics: one event, B's meeting. */
export function ownMeetingCalendar(): Expectation {
  return {
    describe: "200 text/calendar with B's meeting as its one event",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], CALENDAR_TYPE, 'content-type')
      equal(calendarUids(response.body), [`${f.b.meeting.id}@vantage`], 'event UIDs')
    },
  }
}

/** GET /v1/questions: B's bank, all of it (B's own question included), and nothing of A's. */
export function ownQuestionBank(options: { includeArchived?: boolean } = {}): Expectation {
  return {
    describe: `200 with exactly B's question bank${options.includeArchived ? ', archived questions too' : ''}`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM questions WHERE school_id = $1 AND ($2 OR NOT archived) ORDER BY id', [f.b.school.id, options.includeArchived === true])
      if (!rows.some((row) => row.id === f.b.questionBank.custom.id)) fail("B's own question is not in B's bank; the list would prove less")
      const body = response.json() as { items: Array<{ id: string }> }
      equal(body.items.map((item) => item.id).sort(), rows.map((row) => row.id), "ids listed (B's questions)")
    },
  }
}

const NEW_QUESTION = { category: 'advice', text: 'What would you tell someone starting out in your field?' }

/** POST /v1/questions: the question lands in B's bank, whatever A's bank holds. */
export function createsOwnQuestion(): Expectation {
  return {
    describe: "201 with a question of B's bank",
    async check(response, { f, owner }) {
      equal(response.statusCode, 201, 'status')
      const body = response.json() as { question: { id: string; text: string; category: string }; check: { closed: boolean } }
      equal([body.question.text, body.question.category, body.check.closed], [NEW_QUESTION.text, NEW_QUESTION.category, false], 'question and check')
      const { rows } = await owner.query<{ school_id: string }>('SELECT school_id::text FROM questions WHERE id = $1', [body.question.id])
      equal(rows, [{ school_id: f.b.school.id }], "the question's school")
    },
  }
}

const QUESTIONS_TO_CHECK = ['Do you like working in robotics?', 'What does a typical week look like for you?']

/** POST /v1/questions/check: the checker's verdicts, which read no school's data. */
export function checksQuestions(): Expectation {
  return {
    describe: '200 with the checker\'s verdicts',
    check(response) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      equal(response.json(), checkQuestions(QUESTIONS_TO_CHECK), 'results')
      equal((response.json() as { results: Array<{ closed: boolean }> }).results.map((result) => result.closed), [true, false], 'closed')
    },
  }
}

function memberIdOf(tenant: TenantFixture, caller: Caller): string {
  if (isClient(caller)) throw new Error('an integration client has no calendar feed')
  return tenant.school.members[caller]!.id
}

/** POST /v1/calendar-feeds: a feed of B's caller, at a URL in B's school that answers. */
export function createsOwnFeed(caller: Caller): Expectation {
  return {
    describe: `201 with a feed of B's ${caller} whose URL names B's school and works`,
    async check(response, { t, f, owner }) {
      equal(response.statusCode, 201, 'status')
      const body = response.json() as { id: string; url: string; revokedAt: null }
      const path = new URL(body.url).pathname
      if (!new RegExp(`^/v1/calendar/${f.b.school.id}/${body.id}/[A-Za-z0-9_-]{20,64}\\.ics$`).test(path)) fail(`the feed URL ${body.url} is not of B's school and this feed`)
      equal(body.revokedAt, null, 'revokedAt')
      const { rows } = await owner.query('SELECT school_id::text, member_id::text FROM calendar_feeds WHERE id = $1', [body.id])
      equal(rows, [{ school_id: f.b.school.id, member_id: memberIdOf(f.b, caller) }], "the feed's school and member")
      const feed = await t.request({ method: 'GET', url: path })
      equal([feed.statusCode, feed.headers['content-type']], [200, CALENDAR_TYPE], 'the new URL answers')
      const expected = caller === 'student' ? [`${f.b.meeting.id}@vantage`] : []
      equal(calendarUids(feed.body), expected, "the new feed's events")
    },
  }
}

/** GET /v1/calendar-feeds: the caller's own feeds (without secrets), not the school's, not A's. */
export function ownFeeds(caller: Caller): Expectation {
  return {
    describe: `200 with exactly B's ${caller}'s feeds`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM calendar_feeds WHERE school_id = $1 AND member_id = $2 ORDER BY id', [f.b.school.id, memberIdOf(f.b, caller)])
      if (!rows.some((row) => row.id === f.b.calendarFeeds[caller as MemberRoleName].id)) fail(`B's ${caller}'s fixture feed is not among its rows`)
      const body = response.json() as { items: Array<Record<string, unknown>> }
      equal(body.items.map((item) => item.id as string).sort(), rows.map((row) => row.id), `ids listed (B's ${caller}'s feeds)`)
      for (const item of body.items) equal(Object.keys(item).sort(), ['createdAt', 'id', 'revokedAt'], 'fields of a listed feed')
    },
  }
}

/** DELETE /v1/calendar-feeds/{A's feed}: 404, nothing written, and every feed of A still answers. */
export function notFoundFeedsIntact(): Expectation<{ a: Record<string, unknown[]>; b: Record<string, unknown[]> }> {
  const base = notFoundWritingNothing()
  return {
    describe: `${base.describe}, A's feed URLs still answer`,
    prepare: base.prepare,
    async check(response, ctx, before) {
      await base.check(response, ctx, before)
      for (const [role, feed] of Object.entries(ctx.f.a.calendarFeeds)) {
        const answer = await ctx.t.request({ method: 'GET', url: feed.path })
        equal(answer.statusCode, 200, `A's ${role}'s feed URL`)
      }
    },
  }
}

const MEETINGS = '/v1/meetings'
const MEMBERS = ['student', 'alumni', 'advisor', 'school_admin'] as const
/** Meetings: students own theirs; advisors and admins read all; alumni and clients have no access. */
const NOT_MEETING_WRITERS = [...STAFF, ...NO_ACCESS] as const
const aMeeting = (f: CrossTenantFixture) => f.a.meeting.id

/** A valid window of its own, a day after A's meeting: validation passes, the handler decides. */
function laterWindow(f: CrossTenantFixture) {
  const start = Date.parse(f.a.meeting.startsAt) + 2 * DAY
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 30 * MINUTE).toISOString() }
}

const meetingRequest = (contactId: string, f: CrossTenantFixture) => ({
  contactId,
  kind: 'informational_interview',
  purpose: 'B would like to learn about the work',
  mode: 'phone',
  proposedSlots: [laterWindow(f)],
})

/**
 * Each transition, with a body that passes validation (so the answer is the handler's) and names
 * nothing of A's but the meeting in the path: the meeting alone must make it a 404.
 */
const TRANSITIONS: Array<{ method: 'POST' | 'PUT'; suffix: string; body: (f: CrossTenantFixture) => unknown }> = [
  { method: 'POST', suffix: '/schedule', body: (f) => ({ ...laterWindow(f), mode: 'in_person', location: 'B office' }) },
  { method: 'POST', suffix: '/resume-sent', body: () => ({ note: 'B was here' }) },
  {
    method: 'POST',
    suffix: '/complete',
    body: (f) => ({ notes: 'B was here', rating: 1, askedForReferrals: true, referrals: [{ referred: { contactId: f.b.conversations.referredContact.id }, note: 'B' }] }),
  },
  { method: 'POST', suffix: '/thank-you', body: () => ({}) },
  { method: 'POST', suffix: '/decline', body: () => ({ reason: 'B was here' }) },
  { method: 'POST', suffix: '/cancel', body: () => ({ reason: 'B was here' }) },
  { method: 'POST', suffix: '/no-show', body: () => ({ reason: 'B was here' }) },
  {
    method: 'PUT',
    suffix: '/preparation',
    body: (f) => ({ homework: 'B was here', questionIds: [f.b.questionBank.custom.id], customQuestions: ['What did B change?'] }),
  },
]

const MEETING_CASES: CrossTenantCase[] = [
  // --- requesting and listing ----------------------------------------------------------------------
  ...[
    { name: "a meeting with A's contact", contact: (f: CrossTenantFixture) => f.a.conversations.contact.id },
    { name: "a meeting with A's referred contact", contact: (f: CrossTenantFixture) => f.a.conversations.referredContact.id },
  ].flatMap(({ name, contact }): CrossTenantCase[] => [
    { route: `POST ${MEETINGS}`, as: 'student', name, request: (f) => ({ url: MEETINGS, payload: meetingRequest(contact(f), f) }), expect: notFoundWritingNothing() },
    ...asEach(NOT_MEETING_WRITERS, `POST ${MEETINGS}`, name, (f) => ({ url: MEETINGS, payload: meetingRequest(contact(f), f) }), forbidden),
  ]),
  { route: `GET ${MEETINGS}`, as: 'student', name: 'list meetings', request: () => ({ url: `${MEETINGS}?limit=100` }), expect: onlyOwnRows('meetings', { ofStudent: true }) },
  ...asEach(STAFF, `GET ${MEETINGS}`, 'list meetings', () => ({ url: `${MEETINGS}?limit=100` }), () => onlyOwnRows('meetings')),
  // Staff asking for A's student: not a student of B, so 404 (as for a student of B's no one has).
  ...asEach(STAFF, `GET ${MEETINGS}`, "A's student's meetings", (f) => ({ url: `${MEETINGS}?studentId=${aStudent(f)}&limit=100` }), () => notFound()),
  { route: `GET ${MEETINGS}`, as: 'student', name: "A's student's meetings", request: (f) => ({ url: `${MEETINGS}?studentId=${aStudent(f)}` }), expect: notFound() },
  // A contact filter names no student: A's contact (who has a meeting in A) matches none of B's meetings.
  ...asEach(
    CONVERSATION_READERS,
    `GET ${MEETINGS}`,
    "meetings with A's contact",
    (f) => ({ url: `${MEETINGS}?contactId=${f.a.conversations.contact.id}&limit=100` }),
    () => listsExactly(() => [], 'no meeting'),
  ),
  ...asEach(
    CONVERSATION_READERS,
    `GET ${MEETINGS}`,
    "scheduled meetings in the week of A's and B's",
    (f) => ({ url: `${MEETINGS}?status=scheduled&from=${encodeURIComponent(new Date(Date.parse(f.a.meeting.startsAt) - DAY).toISOString())}&to=${encodeURIComponent(new Date(Date.parse(f.a.meeting.endsAt) + DAY).toISOString())}&limit=100` }),
    () => listsExactly((f) => [f.b.meeting.id], "B's meeting"),
  ),
  ...asEach(NO_ACCESS, `GET ${MEETINGS}`, 'list meetings', () => ({ url: `${MEETINGS}?limit=100` }), forbidden),

  // --- one meeting ---------------------------------------------------------------------------------
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}` }), notFound),
  ...asEach(NO_ACCESS, `GET ${MEETINGS}/:meetingId`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}` }), forbidden),
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId`, "B's own meeting", (f) => ({ url: `${MEETINGS}/${f.b.meeting.id}` }), ownMeeting),
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId/checklist`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}/checklist` }), notFound),
  ...asEach(NO_ACCESS, `GET ${MEETINGS}/:meetingId/checklist`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}/checklist` }), forbidden),
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId/checklist`, "B's own meeting", (f) => ({ url: `${MEETINGS}/${f.b.meeting.id}/checklist` }), ownMeetingChecklist),
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId/calendar.ics`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}/calendar.ics` }), notFound),
  ...asEach(NO_ACCESS, `GET ${MEETINGS}/:meetingId/calendar.ics`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}/calendar.ics` }), forbidden),
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId/calendar.ics`, "B's own meeting", (f) => ({ url: `${MEETINGS}/${f.b.meeting.id}/calendar.ics` }), ownMeetingCalendar),

  // --- transitions and preparation (the student's own meetings only) --------------------------------
  ...TRANSITIONS.flatMap(({ method, suffix, body }): CrossTenantCase[] => [
    {
      route: `${method} ${MEETINGS}/:meetingId${suffix}`,
      as: 'student',
      name: "A's meeting",
      request: (f) => ({ url: `${MEETINGS}/${aMeeting(f)}${suffix}`, payload: body(f) }),
      expect: notFoundWritingNothing(),
    },
    ...asEach(NOT_MEETING_WRITERS, `${method} ${MEETINGS}/:meetingId${suffix}`, "A's meeting", (f) => ({ url: `${MEETINGS}/${aMeeting(f)}${suffix}`, payload: body(f) }), forbidden),
  ]),
  // B's own meeting, prepared with questions of A's bank: 404 for the question, B's meeting unchanged.
  ...[
    { name: "B's own meeting with A's own bank question", ids: (f: CrossTenantFixture) => [f.a.questionBank.custom.id] },
    { name: "B's own meeting with a standard question of A's bank", ids: (f: CrossTenantFixture) => [f.a.questionBank.standardId] },
    { name: "B's own meeting with B's question and A's", ids: (f: CrossTenantFixture) => [f.b.questionBank.custom.id, f.a.questionBank.custom.id] },
  ].map(
    ({ name, ids }): CrossTenantCase => ({
      route: `PUT ${MEETINGS}/:meetingId/preparation`,
      as: 'student',
      name,
      request: (f) => ({ url: `${MEETINGS}/${f.b.meeting.id}/preparation`, payload: { homework: 'B was here', questionIds: ids(f) } }),
      expect: notFoundWritingNothing(),
    }),
  ),

  // --- the question bank (every member reads it; advisors and admins edit it) ------------------------
  ...asEach(MEMBERS, 'GET /v1/questions', "the school's bank", () => ({ url: '/v1/questions' }), () => ownQuestionBank()),
  ...asEach(STAFF, 'GET /v1/questions', "the school's bank with archived questions", () => ({ url: '/v1/questions?includeArchived=true' }), () => ownQuestionBank({ includeArchived: true })),
  { route: 'GET /v1/questions', as: 'client', name: "the school's bank", request: () => ({ url: '/v1/questions' }), expect: forbidden() },
  ...asEach(STAFF, 'POST /v1/questions', 'add a question', () => ({ url: '/v1/questions', payload: NEW_QUESTION }), createsOwnQuestion),
  ...asEach(['student', ...NO_ACCESS], 'POST /v1/questions', 'add a question', () => ({ url: '/v1/questions', payload: NEW_QUESTION }), forbidden),
  ...[
    { name: "A's own bank question", id: (f: CrossTenantFixture) => f.a.questionBank.custom.id },
    { name: "a standard question of A's bank", id: (f: CrossTenantFixture) => f.a.questionBank.standardId },
  ].flatMap(({ name, id }): CrossTenantCase[] => [
    ...asEach(STAFF, 'PATCH /v1/questions/:questionId', name, (f) => ({ url: `/v1/questions/${id(f)}`, payload: { text: 'Reworded by B?', archived: true } }), notFoundWritingNothing),
    ...asEach(['student', ...NO_ACCESS], 'PATCH /v1/questions/:questionId', name, (f) => ({ url: `/v1/questions/${id(f)}`, payload: { archived: true } }), forbidden),
  ]),
  ...asEach(MEMBERS, 'POST /v1/questions/check', 'check questions', () => ({ url: '/v1/questions/check', payload: { questions: QUESTIONS_TO_CHECK } }), checksQuestions),
  { route: 'POST /v1/questions/check', as: 'client', name: 'check questions', request: () => ({ url: '/v1/questions/check', payload: { questions: QUESTIONS_TO_CHECK } }), expect: forbidden() },

  // --- calendar feeds (each member's own) ------------------------------------------------------------
  ...MEMBERS.map((as): CrossTenantCase => ({ route: 'POST /v1/calendar-feeds', as, name: 'create a feed', request: () => ({ url: '/v1/calendar-feeds' }), expect: createsOwnFeed(as) })),
  { route: 'POST /v1/calendar-feeds', as: 'client', name: 'create a feed', request: () => ({ url: '/v1/calendar-feeds' }), expect: forbidden() },
  ...MEMBERS.map((as): CrossTenantCase => ({ route: 'GET /v1/calendar-feeds', as, name: 'list feeds', request: () => ({ url: '/v1/calendar-feeds' }), expect: ownFeeds(as) })),
  { route: 'GET /v1/calendar-feeds', as: 'client', name: 'list feeds', request: () => ({ url: '/v1/calendar-feeds' }), expect: forbidden() },
  ...MEMBERS.flatMap((as): CrossTenantCase[] => [
    { route: 'DELETE /v1/calendar-feeds/:feedId', as, name: "A's student's feed", request: (f) => ({ url: `/v1/calendar-feeds/${f.a.calendarFeeds.student.id}` }), expect: notFoundFeedsIntact() },
    { route: 'DELETE /v1/calendar-feeds/:feedId', as, name: `A's ${as}'s feed`, request: (f) => ({ url: `/v1/calendar-feeds/${f.a.calendarFeeds[as].id}` }), expect: notFoundFeedsIntact() },
  ]),
  { route: 'DELETE /v1/calendar-feeds/:feedId', as: 'client', name: "A's student's feed", request: (f) => ({ url: `/v1/calendar-feeds/${f.a.calendarFeeds.student.id}` }), expect: forbidden() },
]

// ---------------------------------------------------------------------------------------------
// Alumni hosts, host requests, suggestions and programmes
// ---------------------------------------------------------------------------------------------

/** A list of exactly the rows of B the owner connection finds (`sql` selects their ids as `id`); `key` names an item's id. */
export function listsOwnRows(what: string, sql: (f: CrossTenantFixture) => [string, unknown[]], key = 'id'): Expectation {
  return {
    describe: `200 listing exactly ${what}`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const [text, params] = sql(f)
      const { rows } = await owner.query<{ id: string }>(text, params)
      if (rows.length === 0) fail(`the fixture gives B no ${what}; the list would prove nothing`)
      const body = response.json() as { items: Array<Record<string, unknown>>; nextCursor?: string | null }
      equal(body.items.map((item) => item[key]).sort(), rows.map((row) => row.id).sort(), `${key}s listed (${what})`)
      if ('nextCursor' in body) equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

const bHostProfiles = (f: CrossTenantFixture): [string, unknown[]] => ['SELECT member_id::text AS id FROM host_profiles WHERE school_id = $1', [f.b.school.id]]

/** GET /v1/hosts: B's host profiles (keyed by member id), all of them, none of A's. */
const ownHosts = () => listsOwnRows("B's host profiles", bHostProfiles, 'memberId')

/** GET /v1/host-requests: what B's caller may see of B's requests, all of it. */
function ownHostRequests(caller: Caller): Expectation {
  if (caller === 'student') {
    return listsOwnRows("B's student's host requests", (f) => ['SELECT id::text FROM host_requests WHERE school_id = $1 AND student_id = $2', [f.b.school.id, f.b.school.members.student!.id]])
  }
  if (caller === 'alumni') {
    return listsOwnRows("host requests addressed to B's alumnus", (f) => ['SELECT id::text FROM host_requests WHERE school_id = $1 AND host_id = $2', [f.b.school.id, f.b.hosting.host.memberId]])
  }
  return listsOwnRows("B's host requests", (f) => ['SELECT id::text FROM host_requests WHERE school_id = $1', [f.b.school.id]])
}

/** GET /v1/hosts/{B's alumnus}: B's own host profile. */
export function ownHost(): Expectation {
  return {
    describe: "200 with B's alumnus's host profile",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { memberId: string; organization: string; bio: string }
      equal([body.memberId, body.organization, body.bio], [f.b.hosting.host.memberId, f.b.hosting.host.organization, f.b.hosting.host.bio], 'host')
    },
  }
}

/** GET /v1/host-requests/{B's request}: B's student's request to B's host. */
export function ownHostRequest(): Expectation {
  return {
    describe: "200 with B's student's request to B's host",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { id: string; groupId: string; meetingId: string; status: string; student: { id: string }; host: { memberId: string; organization: string } }
      const { request, host } = f.b.hosting
      equal(
        [body.id, body.groupId, body.meetingId, body.status, body.student.id, body.host.memberId, body.host.organization],
        [request.id, request.groupId, request.meetingId, 'pending', f.b.school.members.student!.id, host.memberId, host.organization],
        'request',
      )
    },
  }
}

/** GET /v1/members/{B's student}/host-suggestions: B's host, the one host of B who fits, and no one else. */
export function ownSuggestions(): Expectation {
  return {
    describe: "200 suggesting B's host alone",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { items: Array<{ host: { memberId: string; organization: string } }> }
      equal(
        body.items.map((item) => [item.host.memberId, item.host.organization]),
        [[f.b.hosting.host.memberId, f.b.hosting.host.organization]],
        'suggested hosts',
      )
    },
  }
}

/** POST /v1/programs: a programme of B's. */
export function createsOwnProgram(): Expectation {
  return {
    describe: "201 with a programme of B's",
    async check(response, { f, owner }) {
      equal(response.statusCode, 201, 'status')
      const body = response.json() as { id: string; name: string; hostCount: number; studentCount: number }
      equal([body.name, body.hostCount, body.studentCount], [NEW_PROGRAM.name, 0, 0], 'programme')
      const { rows } = await owner.query('SELECT school_id::text FROM programs WHERE id = $1', [body.id])
      equal(rows, [{ school_id: f.b.school.id }], "the programme's school")
    },
  }
}

/** GET /v1/programs/{B's programme}: B's programme with B's host and B's student. */
export function ownProgramDetail(): Expectation {
  return {
    describe: "200 with B's programme, B's host and B's student",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { program: { id: string; name: string }; hosts: Array<{ hostId: string; organization: string | null; capacity: number }>; students: Array<{ studentId: string }> }
      equal([body.program.id, body.program.name], [f.b.hosting.program.id, f.b.hosting.program.name], 'programme')
      equal(body.hosts, [{ hostId: f.b.hosting.host.memberId, name: `alumni ${f.b.school.slug}`, organization: f.b.hosting.host.organization, capacity: 1 }], 'hosts')
      equal(body.students.map((student) => student.studentId), [f.b.school.members.student!.id], 'students')
    },
  }
}

function pairsOf(body: { pairs: Array<{ studentId: string; hostId: string }> }) {
  return body.pairs.map(({ studentId, hostId }) => ({ studentId, hostId }))
}
const bPair = (f: CrossTenantFixture) => [{ studentId: f.b.school.members.student!.id, hostId: f.b.hosting.host.memberId }]

/** POST /v1/programs/{B's programme}/assignment-runs: a run of B's pairing B's student with B's host. */
export function createsOwnRun(): Expectation {
  return {
    describe: "201 with a run of B's programme pairing B's student with B's host",
    async check(response, { f, owner }) {
      equal(response.statusCode, 201, 'status')
      const body = response.json() as { id: string; programId: string; pairs: Array<{ studentId: string; hostId: string }>; unmatched: unknown[]; publishedAt: null }
      equal([body.programId, pairsOf(body), body.unmatched, body.publishedAt], [f.b.hosting.program.id, bPair(f), [], null], 'run')
      const { rows } = await owner.query('SELECT school_id::text, program_id::text FROM assignment_runs WHERE id = $1', [body.id])
      equal(rows, [{ school_id: f.b.school.id, program_id: f.b.hosting.program.id }], "the run's school and programme")
    },
  }
}

/** GET /v1/programs/{B's}/assignment-runs/{B's run}: the run as the fixture made it. */
export function ownRun(): Expectation {
  return {
    describe: "200 with B's run",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { id: string; programId: string; inputDigest: string; pairs: Array<{ studentId: string; hostId: string }>; publishedAt: string | null }
      equal([body.id, body.programId, body.inputDigest, pairsOf(body), body.publishedAt], [f.b.hosting.run.id, f.b.hosting.program.id, f.b.hosting.run.inputDigest, bPair(f), null], 'run')
    },
  }
}

/**
 * GET /v1/host-load and GET /v1/programs/{B's}/load: one line per host of B (of the programme's,
 * with its capacity in it), the requests and placements counted from B's rows.
 */
export function ownHostLoad(scope: 'school' | 'program'): Expectation {
  return {
    describe: `200 with the load of B's ${scope === 'program' ? "programme's " : ''}hosts alone`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const programId = scope === 'program' ? f.b.hosting.program.id : null
      const { rows } = await owner.query<{ hostId: string; requests: number; placements: number; capacity: number | null }>(
        `SELECT hp.member_id::text AS "hostId", count(r.id)::int AS requests, count(r.id) FILTER (WHERE r.status = 'accepted')::int AS placements, ph.capacity
           FROM host_profiles hp
           LEFT JOIN program_hosts ph ON ph.school_id = hp.school_id AND ph.host_id = hp.member_id AND ph.program_id = $2::uuid
           LEFT JOIN host_requests r ON r.school_id = hp.school_id AND r.host_id = hp.member_id AND ($2::uuid IS NULL OR r.program_id = $2::uuid)
          WHERE hp.school_id = $1 AND ($2::uuid IS NULL OR ph.host_id IS NOT NULL)
          GROUP BY hp.member_id, ph.capacity ORDER BY hp.member_id`,
        [f.b.school.id, programId],
      )
      if (rows.length === 0) fail("the fixture gives B no host; the load would prove nothing")
      const body = response.json() as { hosts: Array<{ hostId: string; requests: number; placements: number; capacity: number | null }> }
      equal(
        body.hosts.map(({ hostId, requests, placements, capacity }) => ({ hostId, requests, placements, capacity })).sort((x, y) => x.hostId.localeCompare(y.hostId)),
        rows,
        'hosts (id, requests, placements, capacity)',
      )
    },
  }
}

const HOSTS = '/v1/hosts'
const HOST_REQUESTS = '/v1/host-requests'
const PROGRAMS = '/v1/programs'
const RUNS = `${PROGRAMS}/:programId/assignment-runs`
/** Programmes are the career office's: advisors and admins; no one else, whatever the id. */
const NOT_ORGANIZERS = ['student', 'alumni', 'client'] as const
const aHost = (f: CrossTenantFixture) => f.a.hosting.host.memberId
const bHost = (f: CrossTenantFixture) => f.b.hosting.host.memberId
const aRequest = (f: CrossTenantFixture) => f.a.hosting.request.id
const aProgram = (f: CrossTenantFixture) => f.a.hosting.program.id
const bProgram = (f: CrossTenantFixture) => f.b.hosting.program.id
const bStudent = (f: CrossTenantFixture) => f.b.school.members.student!.id

/** A host profile B may write: validation passes, so the answer is the handler's. */
const hostPut = () => hostProfileBody('mallory', '+1 (555) 000-0000')
/** B's student's request (slots of B's own fixture, a week ahead) to the hosts named. */
const hostRequestBody = (hostIds: string[], f: CrossTenantFixture) => ({
  hostIds,
  kind: 'informational_interview',
  purpose: 'B would like to learn about the work',
  mode: 'video',
  location: 'https://meet.b.example/x',
  proposedSlots: f.b.hosting.request.proposedSlots,
})
const NEW_PROGRAM = { name: 'B spring interviews', kind: 'informational_interview', modes: ['video', 'phone'], startsOn: '2031-03-03', endsOn: '2031-03-14' }
const programPatch = { name: 'Renamed by B', description: 'B was here', endsOn: '2031-03-20' }
const bProgramHosts = (f: CrossTenantFixture) => ({ hosts: [{ hostId: bHost(f), capacity: 3 }] })
const bProgramStudents = (f: CrossTenantFixture) => ({ students: [{ studentId: bStudent(f), placements: 2 }] })

/** A run's path: a programme and a run, each A's or B's. */
function runPaths(f: CrossTenantFixture) {
  return [
    { name: "A's run of A's programme", url: `${PROGRAMS}/${aProgram(f)}/assignment-runs/${f.a.hosting.run.id}` },
    { name: "A's run under B's programme", url: `${PROGRAMS}/${bProgram(f)}/assignment-runs/${f.a.hosting.run.id}` },
    { name: "B's run under A's programme", url: `${PROGRAMS}/${aProgram(f)}/assignment-runs/${f.b.hosting.run.id}` },
  ]
}

/** Entries for each of the run paths, for each of `callers`. */
function perRunPath(callers: readonly Caller[], route: string, suffix: string, expect: (as: Caller) => Expectation): CrossTenantCase[] {
  return [0, 1, 2].flatMap((index) =>
    callers.map((as) => ({
      route,
      as,
      name: ['A\'s run of A\'s programme', 'A\'s run under B\'s programme', 'B\'s run under A\'s programme'][index]!,
      request: (f: CrossTenantFixture) => ({ url: `${runPaths(f)[index]!.url}${suffix}` }),
      expect: expect(as),
    })),
  )
}

const HOSTING_CASES: CrossTenantCase[] = [
  // --- host profiles (an alumnus keeps their own, an admin any alumnus's; every member reads) -------
  {
    route: `PUT ${HOSTS}/:memberId`,
    as: 'school_admin',
    name: "A's alumnus's host profile",
    request: (f) => ({ url: `${HOSTS}/${aHost(f)}`, payload: hostPut() }),
    expect: notFoundOfWritingNothing('No such member'),
  },
  {
    route: `PUT ${HOSTS}/:memberId`,
    as: 'school_admin',
    name: "A's student as a host",
    request: (f) => ({ url: `${HOSTS}/${f.a.school.members.student!.id}`, payload: hostPut() }),
    expect: notFoundOfWritingNothing('No such member'),
  },
  // An alumnus keeps their own profile only: any other id is refused alike, B's or A's.
  ...asEach(['alumni', 'student', 'advisor', 'client'], `PUT ${HOSTS}/:memberId`, "A's alumnus's host profile", (f) => ({ url: `${HOSTS}/${aHost(f)}`, payload: hostPut() }), forbidden),
  ...asEach(MEMBERS, `GET ${HOSTS}`, 'list hosts', () => ({ url: `${HOSTS}?limit=100` }), ownHosts),
  // Filters A's host matches as well as B's: B's host alone.
  ...asEach(MEMBERS, `GET ${HOSTS}`, 'accepting interview hosts in biotechnology', () => ({ url: `${HOSTS}?accepting=true&offers=informational_interview&industry=Biotechnology&limit=100` }), ownHosts),
  ...asEach(MEMBERS, `GET ${HOSTS}`, "hosts at A's host's organization", (f) => ({ url: `${HOSTS}?organization=${encodeURIComponent(f.a.hosting.host.organization)}&limit=100` }), () => listsExactly(() => [], 'no host', 'memberId')),
  { route: `GET ${HOSTS}`, as: 'client', name: 'list hosts', request: () => ({ url: `${HOSTS}?limit=100` }), expect: forbidden() },
  ...asEach(MEMBERS, `GET ${HOSTS}/:memberId`, "A's alumnus's host profile", (f) => ({ url: `${HOSTS}/${aHost(f)}` }), notFound),
  ...asEach(MEMBERS, `GET ${HOSTS}/:memberId`, "B's alumnus's host profile", (f) => ({ url: `${HOSTS}/${bHost(f)}` }), ownHost),
  { route: `GET ${HOSTS}/:memberId`, as: 'client', name: "A's alumnus's host profile", request: (f) => ({ url: `${HOSTS}/${aHost(f)}` }), expect: forbidden() },

  // --- host requests (students send; the addressed host answers; staff read the school's) ----------
  {
    route: `POST ${HOST_REQUESTS}`,
    as: 'student',
    name: "a request to A's host",
    request: (f) => ({ url: HOST_REQUESTS, payload: hostRequestBody([aHost(f)], f) }),
    expect: notFoundOfWritingNothing('No such host (hostIds.0)'),
  },
  {
    route: `POST ${HOST_REQUESTS}`,
    as: 'student',
    name: "a request to B's host and A's",
    request: (f) => ({ url: HOST_REQUESTS, payload: hostRequestBody([bHost(f), aHost(f)], f) }),
    expect: notFoundOfWritingNothing('No such host (hostIds.1)'),
  },
  {
    route: `POST ${HOST_REQUESTS}`,
    as: 'student',
    name: "a request to A's student",
    request: (f) => ({ url: HOST_REQUESTS, payload: hostRequestBody([f.a.school.members.student!.id], f) }),
    expect: notFoundOfWritingNothing('No such host (hostIds.0)'),
  },
  ...asEach(['alumni', ...STAFF, 'client'], `POST ${HOST_REQUESTS}`, "a request to A's host", (f) => ({ url: HOST_REQUESTS, payload: hostRequestBody([aHost(f)], f) }), forbidden),
  ...MEMBERS.map((as): CrossTenantCase => ({ route: `GET ${HOST_REQUESTS}`, as, name: 'list host requests', request: () => ({ url: `${HOST_REQUESTS}?limit=100` }), expect: ownHostRequests(as) })),
  ...[
    { name: "requests to A's host", query: (f: CrossTenantFixture) => `hostId=${aHost(f)}` },
    { name: "requests of A's student", query: (f: CrossTenantFixture) => `studentId=${f.a.school.members.student!.id}` },
    { name: "requests in A's group", query: (f: CrossTenantFixture) => `groupId=${f.a.hosting.request.groupId}` },
    { name: "requests of A's programme", query: (f: CrossTenantFixture) => `programId=${aProgram(f)}` },
  ].flatMap(({ name, query }) => asEach(MEMBERS, `GET ${HOST_REQUESTS}`, name, (f) => ({ url: `${HOST_REQUESTS}?${query(f)}&limit=100` }), () => listsExactly(() => [], 'no request'))),
  { route: `GET ${HOST_REQUESTS}`, as: 'client', name: 'list host requests', request: () => ({ url: `${HOST_REQUESTS}?limit=100` }), expect: forbidden() },
  ...asEach(MEMBERS, `GET ${HOST_REQUESTS}/:requestId`, "A's request", (f) => ({ url: `${HOST_REQUESTS}/${aRequest(f)}` }), notFound),
  ...asEach(MEMBERS, `GET ${HOST_REQUESTS}/:requestId`, "B's own request", (f) => ({ url: `${HOST_REQUESTS}/${f.b.hosting.request.id}` }), ownHostRequest),
  { route: `GET ${HOST_REQUESTS}/:requestId`, as: 'client', name: "A's request", request: (f) => ({ url: `${HOST_REQUESTS}/${aRequest(f)}` }), expect: forbidden() },
  // Answering: only the host addressed (an alumnus) accepts or declines; only the student withdraws.
  ...[
    { suffix: '/accept', body: () => ({ slot: 0, location: 'https://meet.b.example/taken' }) },
    { suffix: '/decline', body: () => ({ reason: 'B was here' }) },
  ].flatMap(({ suffix, body }): CrossTenantCase[] => [
    { route: `POST ${HOST_REQUESTS}/:requestId${suffix}`, as: 'alumni', name: "A's request", request: (f) => ({ url: `${HOST_REQUESTS}/${aRequest(f)}${suffix}`, payload: body() }), expect: notFoundOfWritingNothing('No such host request') },
    ...asEach(['student', ...STAFF, 'client'], `POST ${HOST_REQUESTS}/:requestId${suffix}`, "A's request", (f) => ({ url: `${HOST_REQUESTS}/${aRequest(f)}${suffix}`, payload: body() }), forbidden),
  ]),
  { route: `POST ${HOST_REQUESTS}/:requestId/withdraw`, as: 'student', name: "A's request", request: (f) => ({ url: `${HOST_REQUESTS}/${aRequest(f)}/withdraw` }), expect: notFoundOfWritingNothing('No such host request') },
  ...asEach(['alumni', ...STAFF, 'client'], `POST ${HOST_REQUESTS}/:requestId/withdraw`, "A's request", (f) => ({ url: `${HOST_REQUESTS}/${aRequest(f)}/withdraw` }), forbidden),

  // --- suggestions (a student's own; advisors and admins any student's) ------------------------------
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/host-suggestions', "A's student's suggestions", (f) => ({ url: `/v1/members/${aStudent(f)}/host-suggestions?kind=informational_interview` }), notFound),
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/host-suggestions', "B's student's suggestions", (f) => ({ url: `/v1/members/${bStudent(f)}/host-suggestions?kind=informational_interview&mode=video&field=Biotechnology&limit=50` }), ownSuggestions),
  ...asEach(NO_ACCESS, 'GET /v1/members/:memberId/host-suggestions', "A's student's suggestions", (f) => ({ url: `/v1/members/${aStudent(f)}/host-suggestions?kind=informational_interview` }), forbidden),

  // --- programmes (advisors and admins) --------------------------------------------------------------
  ...asEach(STAFF, `POST ${PROGRAMS}`, 'create a programme', () => ({ url: PROGRAMS, payload: NEW_PROGRAM }), createsOwnProgram),
  ...asEach(NOT_ORGANIZERS, `POST ${PROGRAMS}`, 'create a programme', () => ({ url: PROGRAMS, payload: NEW_PROGRAM }), forbidden),
  ...asEach(STAFF, `GET ${PROGRAMS}`, 'list programmes', () => ({ url: `${PROGRAMS}?limit=100` }), () => onlyOwnRows('programs')),
  ...asEach(NOT_ORGANIZERS, `GET ${PROGRAMS}`, 'list programmes', () => ({ url: `${PROGRAMS}?limit=100` }), forbidden),
  ...asEach(STAFF, `GET ${PROGRAMS}/:programId`, "A's programme", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}` }), notFound),
  ...asEach(STAFF, `GET ${PROGRAMS}/:programId`, "B's own programme", (f) => ({ url: `${PROGRAMS}/${bProgram(f)}` }), ownProgramDetail),
  ...asEach(NOT_ORGANIZERS, `GET ${PROGRAMS}/:programId`, "A's programme", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}` }), forbidden),
  ...asEach(STAFF, `PATCH ${PROGRAMS}/:programId`, "A's programme", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}`, payload: programPatch }), () => notFoundOfWritingNothing('No such programme')),
  ...asEach(NOT_ORGANIZERS, `PATCH ${PROGRAMS}/:programId`, "A's programme", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}`, payload: programPatch }), forbidden),

  // Participants: A's programme with B's own, or B's programme with A's.
  ...asEach(STAFF, `PUT ${PROGRAMS}/:programId/hosts`, "A's programme with B's host", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/hosts`, payload: bProgramHosts(f) }), () => notFoundOfWritingNothing('No such programme')),
  ...asEach(STAFF, `PUT ${PROGRAMS}/:programId/hosts`, "B's programme with A's host", (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/hosts`, payload: { hosts: [{ hostId: aHost(f), capacity: 1 }] } }), () => notFoundOfWritingNothing('No such host (hosts.0)')),
  ...asEach(
    STAFF,
    `PUT ${PROGRAMS}/:programId/hosts`,
    "B's programme with B's host and A's",
    (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/hosts`, payload: { hosts: [{ hostId: bHost(f), capacity: 1 }, { hostId: aHost(f), capacity: 1 }] } }),
    () => notFoundOfWritingNothing('No such host (hosts.1)'),
  ),
  ...asEach(NOT_ORGANIZERS, `PUT ${PROGRAMS}/:programId/hosts`, "A's programme with B's host", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/hosts`, payload: bProgramHosts(f) }), forbidden),
  ...asEach(STAFF, `PUT ${PROGRAMS}/:programId/students`, "A's programme with B's student", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/students`, payload: bProgramStudents(f) }), () => notFoundOfWritingNothing('No such programme')),
  ...asEach(
    STAFF,
    `PUT ${PROGRAMS}/:programId/students`,
    "B's programme with A's student",
    (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/students`, payload: { students: [{ studentId: aStudent(f) }] } }),
    () => notFoundOfWritingNothing('No such student (students.0)'),
  ),
  ...asEach(
    STAFF,
    `PUT ${PROGRAMS}/:programId/students`,
    "B's programme with B's student and A's",
    (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/students`, payload: { students: [{ studentId: bStudent(f) }, { studentId: aStudent(f) }] } }),
    () => notFoundOfWritingNothing('No such student (students.1)'),
  ),
  ...asEach(
    STAFF,
    `PUT ${PROGRAMS}/:programId/students`,
    "B's programme with B's student preferring A's host",
    (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/students`, payload: { students: [{ studentId: bStudent(f), preferences: [bHost(f), aHost(f)] }] } }),
    () => invalidWritingNothing('body.students.0.preferences.1'),
  ),
  ...asEach(NOT_ORGANIZERS, `PUT ${PROGRAMS}/:programId/students`, "A's programme with B's student", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/students`, payload: bProgramStudents(f) }), forbidden),

  // Runs: computing on A's programme, or on B's with pins and forbidden pairs naming A's people.
  ...asEach(STAFF, `POST ${RUNS}`, "a run of A's programme", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/assignment-runs`, payload: {} }), () => notFoundOfWritingNothing('No such programme')),
  ...[
    { name: "B's programme pinning A's student to B's host", body: (f: CrossTenantFixture) => ({ pins: [{ studentId: aStudent(f), hostId: bHost(f) }] }), field: 'body.pins.0.studentId' },
    { name: "B's programme pinning B's student to A's host", body: (f: CrossTenantFixture) => ({ pins: [{ studentId: bStudent(f), hostId: aHost(f) }] }), field: 'body.pins.0.hostId' },
    {
      name: "B's programme forbidding B's pair and A's student with B's host",
      body: (f: CrossTenantFixture) => ({ forbidden: [{ studentId: bStudent(f), hostId: bHost(f) }, { studentId: aStudent(f), hostId: bHost(f) }] }),
      field: 'body.forbidden.1.studentId',
    },
  ].flatMap(({ name, body, field }) => asEach(STAFF, `POST ${RUNS}`, name, (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/assignment-runs`, payload: body(f) }), () => invalidWritingNothing(field))),
  ...asEach(STAFF, `POST ${RUNS}`, "a run of B's own programme", (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/assignment-runs`, payload: {} }), createsOwnRun),
  ...asEach(NOT_ORGANIZERS, `POST ${RUNS}`, "a run of A's programme", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/assignment-runs`, payload: {} }), forbidden),
  ...asEach(STAFF, `GET ${RUNS}`, "A's programme's runs", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/assignment-runs?limit=100` }), notFound),
  ...asEach(
    STAFF,
    `GET ${RUNS}`,
    "B's programme's runs",
    (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/assignment-runs?limit=100` }),
    () => listsOwnRows("runs of B's programme", (f) => ['SELECT id::text FROM assignment_runs WHERE school_id = $1 AND program_id = $2', [f.b.school.id, bProgram(f)]]),
  ),
  ...asEach(NOT_ORGANIZERS, `GET ${RUNS}`, "A's programme's runs", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/assignment-runs?limit=100` }), forbidden),
  ...perRunPath(STAFF, `GET ${RUNS}/:runId`, '', notFound),
  ...asEach(STAFF, `GET ${RUNS}/:runId`, "B's run of B's programme", (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/assignment-runs/${f.b.hosting.run.id}` }), ownRun),
  ...perRunPath(NOT_ORGANIZERS, `GET ${RUNS}/:runId`, '', forbidden),
  // Publishing would send requests to the run's hosts: A's run stays unpublished, none are sent.
  ...perRunPath(STAFF, `POST ${RUNS}/:runId/publish`, '/publish', () => notFoundWritingNothing()),
  ...perRunPath(NOT_ORGANIZERS, `POST ${RUNS}/:runId/publish`, '/publish', forbidden),
  ...asEach(STAFF, `GET ${PROGRAMS}/:programId/load`, "A's programme's host load", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/load` }), notFound),
  ...asEach(STAFF, `GET ${PROGRAMS}/:programId/load`, "B's programme's host load", (f) => ({ url: `${PROGRAMS}/${bProgram(f)}/load` }), () => ownHostLoad('program')),
  ...asEach(NOT_ORGANIZERS, `GET ${PROGRAMS}/:programId/load`, "A's programme's host load", (f) => ({ url: `${PROGRAMS}/${aProgram(f)}/load` }), forbidden),
  ...asEach(STAFF, 'GET /v1/host-load', "the school's host load", () => ({ url: '/v1/host-load' }), () => ownHostLoad('school')),
  ...asEach(
    STAFF,
    'GET /v1/host-load',
    "the school's host load over two years",
    () => ({ url: `/v1/host-load?from=${encodeURIComponent(new Date(Date.now() - 365 * DAY).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 365 * DAY).toISOString())}` }),
    () => ownHostLoad('school'),
  ),
  ...asEach(NOT_ORGANIZERS, 'GET /v1/host-load', "the school's host load", () => ({ url: '/v1/host-load' }), forbidden),

  // --- A's request's meeting and contact, through the meetings and contacts routes --------------------
  ...asEach(CONVERSATION_READERS, `GET ${MEETINGS}/:meetingId`, "A's host request's meeting", (f) => ({ url: `${MEETINGS}/${f.a.hosting.request.meetingId}` }), notFound),
  { route: `POST ${MEETINGS}/:meetingId/cancel`, as: 'student', name: "A's host request's meeting", request: (f) => ({ url: `${MEETINGS}/${f.a.hosting.request.meetingId}/cancel`, payload: { reason: 'B was here' } }), expect: notFoundWritingNothing() },
  { route: `POST ${MEETINGS}/:meetingId/schedule`, as: 'student', name: "A's host request's meeting", request: (f) => ({ url: `${MEETINGS}/${f.a.hosting.request.meetingId}/schedule`, payload: f.a.hosting.request.proposedSlots[0] }), expect: notFoundWritingNothing() },
  ...asEach(CONVERSATION_READERS, `GET ${CONTACTS}/:contactId`, "A's student's contact for A's host", (f) => ({ url: `${CONTACTS}/${f.a.hosting.request.contactId}` }), notFound),
]

// ---------------------------------------------------------------------------------------------
// Reports: the GraphQL `report` field and the CSV exports of its drill-down lists
// ---------------------------------------------------------------------------------------------

/**
 * The range of the report cases, in the schools' zone: 120 days back to 30 ahead, which holds every
 * row of the fixture (the overdue meeting 100 days back, the requests of today, the meetings a week
 * ahead). `fromAt`/`toAt` are its first local midnight and the one after its last day.
 */
export function reportRange() {
  const today = DateTime.now().setZone(SCHOOL_ZONE).startOf('day')
  const from = today.minus({ days: 120 })
  const to = today.plus({ days: 30 })
  return { from: from.toISODate()!, to: to.toISODate()!, fromAt: from.toJSDate(), toAt: to.plus({ days: 1 }).toJSDate() }
}

export const REPORT_LISTS = ['students', 'meetings', 'hosts', 'overdue-thank-yous', 'waiting-requests'] as const
export type ReportListName = (typeof REPORT_LISTS)[number]

/** A list row: its id, and for meetings the student's and contact's ids, for requests the student's and host's. */
interface ListRow {
  id: string
  student: string | null
  other: string | null
}

/**
 * A school's rows of a drill-down list over the range, in the list's order, read past row-level
 * security with the definitions of the schema's descriptions (not the service's SQL).
 */
export async function reportListRows(owner: pg.Client, schoolId: string, list: ReportListName): Promise<ListRow[]> {
  const { fromAt, toAt } = reportRange()
  const sql: Record<ReportListName, [string, unknown[]]> = {
    students: [`SELECT id::text AS id, NULL AS student, NULL AS other FROM members WHERE school_id = $1 AND 'student' = ANY(roles) ORDER BY id`, [schoolId]],
    meetings: [
      `SELECT id::text AS id, student_id::text AS student, contact_id::text AS other FROM meetings
        WHERE school_id = $1 AND coalesce(starts_at, created_at) >= $2 AND coalesce(starts_at, created_at) < $3 ORDER BY id`,
      [schoolId, fromAt, toAt],
    ],
    hosts: [`SELECT member_id::text AS id, NULL AS student, NULL AS other FROM host_profiles WHERE school_id = $1 ORDER BY member_id`, [schoolId]],
    'overdue-thank-yous': [
      `SELECT id::text AS id, student_id::text AS student, contact_id::text AS other FROM meetings
        WHERE school_id = $1 AND status = 'completed' AND thank_you_due_at < now() AND thank_you_due_at >= $2 AND thank_you_due_at < $3
        ORDER BY thank_you_due_at, id`,
      [schoolId, fromAt, toAt],
    ],
    'waiting-requests': [
      `SELECT id::text AS id, student_id::text AS student, host_id::text AS other FROM host_requests
        WHERE school_id = $1 AND status = 'pending' AND expires_at > now() AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id`,
      [schoolId, fromAt, toAt],
    ],
  }
  const [text, params] = sql[list]
  return (await owner.query<ListRow>(text, params)).rows
}

/** B's rows of the list, failing when B or A has none (B's answer would prove nothing, or A's rows could leak unseen). */
async function ownAndForeignRows(owner: pg.Client, f: CrossTenantFixture, list: ReportListName): Promise<ListRow[]> {
  const own = await reportListRows(owner, f.b.school.id, list)
  if (own.length === 0) fail(`the fixture gives B no ${list}; the list would prove nothing`)
  if ((await reportListRows(owner, f.a.school.id, list)).length === 0) fail(`the fixture gives A no ${list}; a leak would not show`)
  return own
}

/** The records of an RFC 4180 document (a byte-order mark first is skipped), each a list of fields. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  for (let index = 0; index < body.length; index++) {
    const character = body[index]!
    if (quoted) {
      if (character === '"' && body[index + 1] === '"') {
        field += '"'
        index++
      } else if (character === '"') quoted = false
      else field += character
    } else if (character === '"') quoted = true
    else if (character === ',') {
      record.push(field)
      field = ''
    } else if (character === '\r' && body[index + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      index++
    } else field += character
  }
  if (field !== '' || record.length) fail('the CSV does not end with CRLF')
  return records
}

const CSV_TYPE = 'text/csv; charset=utf-8'

/** Which columns of a list's CSV hold the id, and the ids of the row's student and contact or host. */
const CSV_ID_COLUMNS: Record<ReportListName, [string, string | null, string | null]> = {
  students: ['student id', null, null],
  meetings: ['meeting id', 'student id', 'contact id'],
  hosts: ['host id', null, null],
  'overdue-thank-yous': ['meeting id', 'student id', 'contact id'],
  'waiting-requests': ['request id', 'student id', 'host id'],
}

/** GET /v1/reports/<list>.csv: an attachment listing exactly B's rows, in the list's order. */
export function ownReportCsv(list: ReportListName): Expectation {
  return {
    describe: `200 ${CSV_TYPE} attachment listing exactly B's ${list}`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], CSV_TYPE, 'content-type')
      if (!/^attachment; filename="[^"]+\.csv"$/.test(String(response.headers['content-disposition']))) fail(`content-disposition ${response.headers['content-disposition']} is not an attachment`)
      const [header, ...records] = csvRecords(response.body)
      const columns = CSV_ID_COLUMNS[list].map((name) => (name === null ? -1 : header!.indexOf(name)))
      if (columns.some((column, index) => column < 0 && CSV_ID_COLUMNS[list][index] !== null)) fail(`the header ${JSON.stringify(header)} lacks an id column`)
      const rows = await ownAndForeignRows(owner, f, list)
      equal(
        records.map((record) => ({ id: record[columns[0]!]!, student: columns[1]! >= 0 ? record[columns[1]!]! : null, other: columns[2]! >= 0 ? record[columns[2]!]! : null })),
        rows,
        `rows (ids, with their student's and contact's or host's) of B's ${list}`,
      )
    },
  }
}

/** The GraphQL field of each list, and what a row selects (its relations through the loaders). */
const GRAPHQL_LISTS: Record<ReportListName, { field: string; node: string }> = {
  students: { field: 'students', node: 'id externalId givenName email activity { meetingsRequested meetingsCompleted peopleMet referralsReceived }' },
  meetings: { field: 'meetings', node: 'id status student { id email activity { meetingsRequested } } contact { id fullName organization }' },
  hosts: { field: 'hosts', node: 'id organization email activity { requestsReceived pending }' },
  'overdue-thank-yous': { field: 'overdueThankYous', node: 'id status hoursOverdue student { id email } contact { id fullName organization }' },
  'waiting-requests': { field: 'waitingRequests', node: 'id hoursWaiting student { id email activity { meetingsRequested } } host { id organization activity { pending } }' },
}

/** A report query over the matrix's range with a `$filter` variable, selecting `selection` of the report. */
export function reportQuery(selection: string): string {
  return `query Report($from: Date!, $to: Date!, $filter: ReportFilter) { report(from: $from, to: $to, filter: $filter) { ${selection} } }`
}

function listQuery(list: ReportListName): string {
  const { field, node } = GRAPHQL_LISTS[list]
  return reportQuery(`${field}(first: 100) { totalCount nodes { ${node} } pageInfo { hasNextPage endCursor } }`)
}

type GraphqlBody = { data?: { report: Record<string, unknown> } | null; errors?: Array<{ message: string; extensions?: { code?: string }; path?: string[] }> }

function graphqlReport(response: LightMyRequestResponse): Record<string, unknown> {
  equal(response.statusCode, 200, 'status')
  equal(response.headers['content-type'], JSON_TYPE, 'content-type')
  const body = response.json() as GraphqlBody
  equal(body.errors, undefined, 'errors')
  return body.data!.report
}

type Node = { id: string; student?: { id: string }; contact?: { id: string }; host?: { id: string }; activity?: Record<string, number> }

/** GraphQL `report { <list> }`: exactly B's rows, in the list's order, each with B's student and contact or host. */
export function ownReportList(list: ReportListName): Expectation {
  return {
    describe: `200 GraphQL data with exactly B's ${list}, their relations B's`,
    async check(response, { f, owner }) {
      const connection = graphqlReport(response)[GRAPHQL_LISTS[list].field] as { totalCount: number; nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
      const rows = await ownAndForeignRows(owner, f, list)
      equal(
        connection.nodes.map((node) => ({ id: node.id, student: node.student?.id ?? null, other: (node.contact ?? node.host)?.id ?? null })),
        rows,
        `nodes (ids, with their student's and contact's or host's) of B's ${list}`,
      )
      equal([connection.totalCount, connection.pageInfo.hasNextPage], [rows.length, false], 'totalCount, hasNextPage')
      const { fromAt, toAt } = reportRange()
      // Activity counted for B's rows from B's rows alone (A's student and host have as much of their own).
      if (list === 'students') {
        const { rows: requested } = await owner.query<{ id: string; n: number }>(
          `SELECT s.id::text AS id, count(m.id)::int AS n FROM members s LEFT JOIN meetings m ON m.school_id = s.school_id AND m.student_id = s.id AND m.created_at >= $2 AND m.created_at < $3
            WHERE s.school_id = $1 AND 'student' = ANY(s.roles) GROUP BY s.id ORDER BY s.id`,
          [f.b.school.id, fromAt, toAt],
        )
        equal(connection.nodes.map((node) => ({ id: node.id, n: node.activity!.meetingsRequested })), requested, 'activity.meetingsRequested per student')
      }
      if (list === 'hosts') {
        const { rows: received } = await owner.query<{ id: string; n: number }>(
          `SELECT h.member_id::text AS id, count(r.id)::int AS n FROM host_profiles h LEFT JOIN host_requests r ON r.school_id = h.school_id AND r.host_id = h.member_id AND r.created_at >= $2 AND r.created_at < $3
            WHERE h.school_id = $1 GROUP BY h.member_id ORDER BY h.member_id`,
          [f.b.school.id, fromAt, toAt],
        )
        equal(connection.nodes.map((node) => ({ id: node.id, n: node.activity!.requestsReceived })), received, 'activity.requestsReceived per host')
      }
    },
  }
}

/** docs/dashboard.graphql, the documented dashboard query. */
export const DASHBOARD_QUERY = readFileSync(new URL('../../docs/dashboard.graphql', import.meta.url), 'utf8')

/** Counts of a school's rows in the range, as the dashboard defines them, read past row-level security. */
async function dashboardCounts(owner: pg.Client, schoolId: string) {
  const { fromAt, toAt } = reportRange()
  const { rows } = await owner.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM members WHERE school_id = $1 AND 'student' = ANY(roles)) AS "studentCount",
            (SELECT count(*)::int FROM contacts WHERE school_id = $1 AND created_at >= $2 AND created_at < $3) AS "contactsAdded",
            (SELECT count(*)::int FROM outreach WHERE school_id = $1 AND sent_at >= $2 AND sent_at < $3) AS "outreachSent",
            (SELECT count(*)::int FROM meetings WHERE school_id = $1 AND created_at >= $2 AND created_at < $3) AS "meetingsRequested",
            (SELECT count(*)::int FROM referrals WHERE school_id = $1 AND created_at >= $2 AND created_at < $3) AS "referralsReceived",
            (SELECT count(*)::int FROM host_profiles WHERE school_id = $1) AS volunteers,
            (SELECT count(*)::int FROM host_requests WHERE school_id = $1 AND created_at >= $2 AND created_at < $3) AS "requestsReceived"`,
    [schoolId, fromAt, toAt],
  )
  return rows[0]!
}

type Dashboard = {
  studentCount: number
  funnel: { steps: Array<{ step: string; count: number }> }
  perspectives: { students: number }
  networkGrowth: { referralsReceived: number }
  alumniEngagement: { volunteers: number; requestsReceived: number; mostAsked: Array<{ host: { id: string } }> }
  overdueThankYous: { totalCount: number; nodes: Node[] }
  waitingRequests: { totalCount: number; nodes: Node[] }
}

/**
 * The dashboard (docs/dashboard.graphql) for B: every number counted from B's rows alone, where A's
 * rows would change it, and the lists on it exactly B's.
 */
export function ownDashboard(): Expectation {
  return {
    describe: "200 GraphQL dashboard counted from B's rows alone",
    async check(response, { f, owner }) {
      const report = graphqlReport(response) as unknown as Dashboard
      const own = await dashboardCounts(owner, f.b.school.id)
      const foreign = await dashboardCounts(owner, f.a.school.id)
      for (const [name, count] of Object.entries(foreign)) if (count === 0) fail(`A has no ${name} in the range; a leak would not show`)
      const step = (name: string) => report.funnel.steps.find((entry) => entry.step === name)?.count
      equal(
        {
          studentCount: report.studentCount,
          contactsAdded: step('contacts_added'),
          outreachSent: step('outreach_sent'),
          meetingsRequested: step('meetings_requested'),
          referralsReceived: report.networkGrowth.referralsReceived,
          volunteers: report.alumniEngagement.volunteers,
          requestsReceived: report.alumniEngagement.requestsReceived,
        },
        own,
        "the dashboard's counts (B's rows)",
      )
      equal(report.perspectives.students, own.studentCount, 'perspectives.students')
      const hosts = await reportListRows(owner, f.b.school.id, 'hosts')
      equal(report.alumniEngagement.mostAsked.map((load) => load.host.id), hosts.map((host) => host.id), 'mostAsked hosts (B has one, asked once)')
      for (const [list, connection] of [['overdue-thank-yous', report.overdueThankYous], ['waiting-requests', report.waitingRequests]] as const) {
        const rows = await ownAndForeignRows(owner, f, list)
        equal([connection.totalCount, connection.nodes.map((node) => node.id)], [rows.length, rows.map((row) => row.id)], `${list} on the dashboard`)
      }
    },
  }
}

const SOURCES_QUERY = reportQuery('networkSources { contactsAdded withoutReason byRelationship { relationship contacts } byReason { reason contacts } }')

/** networkSources counted from B's contacts in the range alone (A's, with the same relationship and reasons, would double them). */
export function ownNetworkSources(): Expectation {
  return {
    describe: "200 GraphQL sources of contacts counted from B's contacts alone",
    async check(response, { f, owner }) {
      const report = graphqlReport(response) as { networkSources: { contactsAdded: number; withoutReason: number; byRelationship: Array<{ relationship: string | null; contacts: number }>; byReason: Array<{ reason: string; contacts: number }> } }
      const { fromAt, toAt } = reportRange()
      const counts = async (schoolId: string) => {
        const { rows } = await owner.query<{ added: number; professors: number; unrecorded: number; similar: number; knows: number; without: number }>(
          `SELECT count(*)::int AS added, count(*) FILTER (WHERE relationship = 'professor')::int AS professors, count(*) FILTER (WHERE relationship IS NULL)::int AS unrecorded,
                  count(*) FILTER (WHERE 'similar_path' = ANY(reasons))::int AS similar, count(*) FILTER (WHERE 'knows_organization' = ANY(reasons))::int AS knows,
                  count(*) FILTER (WHERE reasons = '{}')::int AS without
             FROM contacts WHERE school_id = $1 AND created_at >= $2 AND created_at < $3`,
          [schoolId, fromAt, toAt],
        )
        return rows[0]!
      }
      const own = await counts(f.b.school.id)
      if ((await counts(f.a.school.id)).professors === 0) fail('A has no professor among its contacts in the range; a leak would not show')
      const sources = report.networkSources
      const relationship = (name: string | null) => sources.byRelationship.find((entry) => entry.relationship === name)?.contacts
      const reason = (name: string) => sources.byReason.find((entry) => entry.reason === name)?.contacts
      equal(
        { added: sources.contactsAdded, professors: relationship('professor'), unrecorded: relationship(null), similar: reason('similar_path'), knows: reason('knows_organization'), without: sources.withoutReason },
        own,
        "the sources' counts (B's contacts)",
      )
    },
  }
}

const VIEWS_QUERY = reportQuery(
  'perspectives { singleViewCount singleViews(first: 100) { field student { id email } contact { id fullName organization } } } alumniEngagement { mostAsked(first: 100) { requests host { id organization activity { requestsReceived } } } }',
)

/** singleViews and mostAsked: B's student's one view (B's contact, robotics) and B's host, nothing of A's. */
export function ownViewsAndHosts(): Expectation {
  return {
    describe: "200 GraphQL single views and most-asked hosts of B's",
    async check(response, { f, owner }) {
      const report = graphqlReport(response) as { perspectives: { singleViewCount: number; singleViews: Array<{ field: string; student: { id: string }; contact: { id: string } }> }; alumniEngagement: { mostAsked: Array<{ requests: number; host: { id: string } }> } }
      const { fromAt, toAt } = reportRange()
      // A student's single views: fields (industries) in which they met exactly one person in a meeting held in the range.
      const views = async (schoolId: string) =>
        (
          await owner.query<{ student: string; field: string; contact: string }>(
            `SELECT m.student_id::text AS student, min(btrim(c.industry)) AS field, min(c.id::text) AS contact
               FROM meetings m JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id
              WHERE m.school_id = $1 AND m.completed_at >= $2 AND m.completed_at < $3 AND nullif(btrim(c.industry), '') IS NOT NULL
              GROUP BY m.student_id, lower(btrim(c.industry)) HAVING count(DISTINCT c.id) = 1 ORDER BY 1, 2`,
            [schoolId, fromAt, toAt],
          )
        ).rows
      const own = await views(f.b.school.id)
      if (own.length === 0 || (await views(f.a.school.id)).length === 0) fail('the fixture gives B or A no single view; the check would prove nothing')
      equal(report.perspectives.singleViewCount, own.length, 'singleViewCount')
      equal(report.perspectives.singleViews.map((view) => ({ student: view.student.id, field: view.field, contact: view.contact.id })), own, 'singleViews')
      const { rows: asked } = await owner.query<{ host: string; requests: number }>(
        `SELECT host_id::text AS host, count(*)::int AS requests FROM host_requests WHERE school_id = $1 AND created_at >= $2 AND created_at < $3
          GROUP BY host_id ORDER BY count(*) DESC, host_id`,
        [f.b.school.id, fromAt, toAt],
      )
      if (asked.length === 0) fail('the fixture gives B no request to a host; mostAsked would prove nothing')
      equal(report.alumniEngagement.mostAsked.map((load) => ({ host: load.host.id, requests: load.requests })), asked, 'mostAsked')
    },
  }
}

/**
 * A GraphQL error and no data: one error with this code and message at `report`, with the HTTP
 * status of the code's problem type. With `missing`, the answer is byte for byte the one the same
 * caller gets for the same query naming a programme no one has: A's cannot be told from none.
 */
export function graphqlRefused(code: 'forbidden' | 'not-found', status: number, message: string, missing?: { as: Caller; request: () => CrossTenantRequest }): Expectation {
  return {
    describe: `${status} GraphQL error ${code} "${message}", data null${missing ? ', as for a programme no one has' : ''}`,
    async check(response, { t, f }) {
      equal(response.statusCode, status, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as GraphqlBody
      equal(body.data, null, 'data')
      equal((body.errors ?? []).map((error) => [error.message, error.extensions, error.path]), [[message, { code }, ['report']]], 'errors (message, extensions, path)')
      if (missing) {
        const { url, payload } = missing.request()
        const answer = await t.request({ method: payload === undefined ? 'GET' : 'POST', url, token: tokenOf(f.b, missing.as), ...(payload !== undefined ? { payload: payload as object } : {}) })
        equal([answer.statusCode, answer.body], [response.statusCode, response.body], 'the answer for a programme no one has')
      }
    },
  }
}

const REPORT_READERS = [...STAFF, 'client'] as const
const NOT_REPORT_READERS = ['student', 'alumni'] as const
const REPORTS_FORBIDDEN = 'Reports are for advisors, school admins and clients with the reports:read scope'

/** The query string of a CSV export over the range, with extra parameters. */
function csvUrl(list: ReportListName, extra: Record<string, string> = {}): string {
  const { from, to } = reportRange()
  return `/v1/reports/${list}.csv?${new URLSearchParams({ from, to, ...extra })}`
}

/** A GraphQL request over the range: POSTed, or as GET with the query and variables in the URL. */
function graphqlRequest(method: 'POST' | 'GET', query: string, filter?: Record<string, unknown>): CrossTenantRequest {
  const { from, to } = reportRange()
  const variables = { from, to, ...(filter ? { filter } : {}) }
  if (method === 'POST') return { url: '/graphql', payload: { query, variables } }
  return { url: `/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}` }
}

/** The same request with a programme no one has in place of A's. */
const withMissingProgramme = (method: 'POST' | 'GET', query: string) => () => graphqlRequest(method, query, { programId: randomUUID() })

const REPORT_CASES: CrossTenantCase[] = [
  // --- CSV exports (advisors, admins and reports:read clients; students and alumni never) -----------
  ...REPORT_LISTS.flatMap((list): CrossTenantCase[] => {
    const route = `GET /v1/reports/${list}.csv`
    return [
      ...asEach(REPORT_READERS, route, `B's ${list} over the range`, () => ({ url: csvUrl(list) }), () => ownReportCsv(list)),
      // B's programme as the filter: B's student is in it, so the lists are as unfiltered (the raw rows, not the rollups).
      ...asEach(STAFF, route, `B's ${list} of B's programme's students`, (f) => ({ url: csvUrl(list, { programId: bProgram(f) }) }), () => ownReportCsv(list)),
      ...asEach(REPORT_READERS, route, `${list} of A's programme's students`, (f) => ({ url: csvUrl(list, { programId: aProgram(f) }) }), () => withDetail(notFound(), 'No such programme')),
      ...asEach(NOT_REPORT_READERS, route, `B's ${list}`, () => ({ url: csvUrl(list) }), forbidden),
      ...asEach(NOT_REPORT_READERS, route, `${list} of A's programme's students`, (f) => ({ url: csvUrl(list, { programId: aProgram(f) }) }), forbidden),
    ]
  }),

  // --- GraphQL report: the dashboard and every drill-down list with its relations ------------------
  ...(['POST', 'GET'] as const).flatMap((method): CrossTenantCase[] => {
    const route = `${method} /graphql`
    const readers = method === 'POST' ? REPORT_READERS : (['advisor'] as const)
    return [
      ...asEach(readers, route, 'the dashboard', () => graphqlRequest(method, DASHBOARD_QUERY), ownDashboard),
      ...asEach(readers, route, "the dashboard of B's programme's students", (f) => graphqlRequest(method, DASHBOARD_QUERY, { programId: bProgram(f) }), ownDashboard),
      ...asEach(readers, route, 'single views and most-asked hosts', () => graphqlRequest(method, VIEWS_QUERY), ownViewsAndHosts),
      ...asEach(readers, route, "the guide's sources of contacts", () => graphqlRequest(method, SOURCES_QUERY), ownNetworkSources),
      ...REPORT_LISTS.flatMap((list) => asEach(readers, route, `the ${list} drill-down`, () => graphqlRequest(method, listQuery(list)), () => ownReportList(list))),
      // A's programme in the variables: not found, exactly as a programme no one has.
      ...asEach(readers, route, "the dashboard of A's programme's students (id in the variables)", (f) => graphqlRequest(method, DASHBOARD_QUERY, { programId: aProgram(f) }), (as) =>
        graphqlRefused('not-found', 404, 'No such programme', { as, request: withMissingProgramme(method, DASHBOARD_QUERY) }),
      ),
      ...asEach(readers, route, "the meetings of A's programme's students (id in the variables)", (f) => graphqlRequest(method, listQuery('meetings'), { programId: aProgram(f) }), (as) =>
        graphqlRefused('not-found', 404, 'No such programme', { as, request: withMissingProgramme(method, listQuery('meetings')) }),
      ),
      ...asEach(NOT_REPORT_READERS, route, 'the dashboard', () => graphqlRequest(method, DASHBOARD_QUERY), () => graphqlRefused('forbidden', 403, REPORTS_FORBIDDEN)),
      ...asEach(NOT_REPORT_READERS, route, "the students of A's programme", (f) => graphqlRequest(method, listQuery('students'), { programId: aProgram(f) }), () => graphqlRefused('forbidden', 403, REPORTS_FORBIDDEN)),
    ]
  }),
]

// ---------------------------------------------------------------------------------------------
// Webhooks: a school's subscriptions, their signing secrets and delivery logs
// ---------------------------------------------------------------------------------------------

const WEBHOOKS = '/v1/webhooks'
/** School admins, and integration clients with webhooks:manage; no other member, nor the portal's token. */
const WEBHOOK_MANAGERS = ['school_admin', 'webhook_client'] as const
const NOT_WEBHOOK_MANAGERS = ['student', 'alumni', 'advisor', 'client'] as const
const aWebhook = (f: CrossTenantFixture) => f.a.webhooks.webhook.id
const bWebhook = (f: CrossTenantFixture) => f.b.webhooks.webhook.id
const aDelivery = (f: CrossTenantFixture) => f.a.webhooks.delivery.id
const bDelivery = (f: CrossTenantFixture) => f.b.webhooks.delivery.id

/** A subscription B may create: its URL passes the destination check, so the answer is the handler's. */
const NEW_WEBHOOK = { url: `https://${WEBHOOK_HOST}/b-new/events`, eventTypes: ['program.published'], description: 'B subscribes a second endpoint' }
/** A change of every field, valid (B's own endpoint), so that only the id in the path can make it a 404. */
const webhookPatch = () => ({ url: `https://${WEBHOOK_HOST}/b-took-over/events`, eventTypes: ['meeting.requested'], description: 'B was here', status: 'disabled' })

/** GET /v1/webhooks/event-types: the static catalogue, the same for every school. */
export function webhookCatalogue(): Expectation {
  return {
    describe: '200 with the catalogue of event types',
    check(response) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      equal(response.json(), { items: EVENT_TYPE_NAMES.map((type) => ({ type, description: EVENT_TYPES[type] })) }, 'event types')
    },
  }
}

/**
 * A list of exactly B's rows, in the list's order, where A has rows of its own that would show had
 * they leaked: `rows(schoolId, f)` reads a school's rows (ids in order) past row-level security, for B
 * and for A alike; fails if B's are none (the list would prove nothing) or A's are (a leak would not show).
 */
export function listsOwnNotForeign(what: string, rows: (owner: pg.Client, tenant: TenantFixture) => Promise<string[]>): Expectation {
  return {
    describe: `200 listing exactly ${what}, in order`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const own = await rows(owner, f.b)
      if (own.length === 0) fail(`the fixture gives B no ${what}; the list would prove nothing`)
      const foreign = await rows(owner, f.a)
      if (foreign.length === 0) fail(`the fixture gives A no ${what}; a leak would not show`)
      const body = response.json() as { items: Array<{ id: string }>; nextCursor: string | null }
      equal(body.items.map((item) => item.id), own, `ids listed (${what})`)
      equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

/** GET /v1/webhooks: B's subscriptions, all of them (B's fixture webhook and any the matrix added). */
const ownWebhooks = () =>
  listsOwnNotForeign("B's webhooks", async (owner, tenant) => {
    const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM webhook_subscriptions WHERE school_id = $1 ORDER BY id', [tenant.school.id])
    return rows.map((row) => row.id)
  })

/**
 * GET /v1/webhooks/{B's webhook}/deliveries: the log of B's fixture webhook, newest first, with the
 * filters given; A's webhook's log under the same filters must have rows too.
 */
function ownDeliveries(filter: { eventType?: string; status?: string } = {}): Expectation {
  const what = `deliveries of the school's fixture webhook${filter.eventType ? ` of ${filter.eventType}` : ''}${filter.status ? ` ${filter.status}` : ''}`
  return listsOwnNotForeign(what, async (owner, tenant) => {
    const { rows } = await owner.query<{ id: string }>(
      `SELECT d.id::text FROM webhook_deliveries d JOIN webhook_events e ON e.school_id = d.school_id AND e.id = d.event_id
        WHERE d.school_id = $1 AND d.subscription_id = $2 AND ($3::text IS NULL OR e.type = $3) AND ($4::text IS NULL OR d.status::text = $4)
        ORDER BY d.created_at DESC, d.id DESC`,
      [tenant.school.id, tenant.webhooks.webhook.id, filter.eventType ?? null, filter.status ?? null],
    )
    return rows.map((row) => row.id)
  })
}

/** GET /v1/webhooks/{B's webhook}: B's subscription as the fixture made it (and no secret). */
export function ownWebhook(): Expectation {
  return {
    describe: "200 with B's webhook",
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as Record<string, unknown>
      const { webhook } = f.b.webhooks
      equal(
        [body.id, body.url, body.description, body.eventTypes, body.status, body.disabledReason, body.previousSecretValidUntil],
        [webhook.id, webhook.url, webhook.description, EVENT_TYPE_NAMES, 'active', null, null],
        'webhook',
      )
      if (response.body.includes(webhook.secret) || 'secret' in body) fail("the answer shows B's signing secret")
    },
  }
}

/** POST /v1/webhooks: a subscription of B's, its secret the row's. */
export function createsOwnWebhook(): Expectation {
  return {
    describe: "201 with a webhook of B's and its secret",
    async check(response, { f, owner }) {
      equal(response.statusCode, 201, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { webhook: { id: string; url: string; eventTypes: string[]; description: string; status: string }; secret: string }
      equal([body.webhook.url, body.webhook.eventTypes, body.webhook.description, body.webhook.status], [NEW_WEBHOOK.url, NEW_WEBHOOK.eventTypes, NEW_WEBHOOK.description, 'active'], 'webhook')
      if (!/^whsec_[A-Za-z0-9+/]{43}=$/.test(body.secret)) fail(`the secret ${body.secret} is not a whsec_ secret of 32 bytes`)
      const { rows } = await owner.query('SELECT school_id::text, secret FROM webhook_subscriptions WHERE id = $1', [body.webhook.id])
      equal(rows, [{ school_id: f.b.school.id, secret: body.secret }], "the webhook's school and secret")
    },
  }
}

/** POST /v1/webhooks/{B's}/deliveries/{B's}/redeliver: B's pending delivery, queued again now. */
export function redeliversOwn(): Expectation {
  return {
    describe: "202 with B's delivery, pending",
    async check(response, { f, owner }) {
      equal(response.statusCode, 202, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { id: string; webhookId: string; eventId: string; eventType: string; status: string }
      const { webhook, delivery } = f.b.webhooks
      equal([body.id, body.webhookId, body.eventId, body.eventType, body.status], [delivery.id, webhook.id, delivery.eventId, 'meeting.scheduled', 'pending'], 'delivery')
      const { rows } = await owner.query('SELECT school_id::text, status::text FROM webhook_deliveries WHERE id = $1', [delivery.id])
      equal(rows, [{ school_id: f.b.school.id, status: 'pending' }], "the delivery's school and status")
    },
  }
}

/** A delivery's path: a webhook and a delivery, each A's or B's (B's own pair is the control). */
const REDELIVERIES: Array<{ name: string; url: (f: CrossTenantFixture) => string; detail: string }> = [
  { name: "A's delivery of A's webhook", url: (f) => `${WEBHOOKS}/${aWebhook(f)}/deliveries/${aDelivery(f)}/redeliver`, detail: 'No such webhook' },
  { name: "A's delivery under B's webhook", url: (f) => `${WEBHOOKS}/${bWebhook(f)}/deliveries/${aDelivery(f)}/redeliver`, detail: 'No such delivery' },
  { name: "B's delivery under A's webhook", url: (f) => `${WEBHOOKS}/${aWebhook(f)}/deliveries/${bDelivery(f)}/redeliver`, detail: 'No such webhook' },
]

const WEBHOOK_CASES: CrossTenantCase[] = [
  // --- the catalogue (static: no school's data) -------------------------------------------------------
  ...asEach(WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/event-types`, 'the event types', () => ({ url: `${WEBHOOKS}/event-types` }), webhookCatalogue),
  ...asEach(NOT_WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/event-types`, 'the event types', () => ({ url: `${WEBHOOKS}/event-types` }), forbidden),

  // --- subscriptions -----------------------------------------------------------------------------------
  ...asEach(WEBHOOK_MANAGERS, `POST ${WEBHOOKS}`, 'subscribe an endpoint', () => ({ url: WEBHOOKS, payload: NEW_WEBHOOK }), createsOwnWebhook),
  ...asEach(NOT_WEBHOOK_MANAGERS, `POST ${WEBHOOKS}`, 'subscribe an endpoint', () => ({ url: WEBHOOKS, payload: NEW_WEBHOOK }), () => writingNothing(forbidden())),
  ...asEach(WEBHOOK_MANAGERS, `GET ${WEBHOOKS}`, 'list webhooks', () => ({ url: `${WEBHOOKS}?limit=100` }), ownWebhooks),
  ...asEach(NOT_WEBHOOK_MANAGERS, `GET ${WEBHOOKS}`, 'list webhooks', () => ({ url: `${WEBHOOKS}?limit=100` }), forbidden),
  ...asEach(WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/:webhookId`, "A's webhook", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}` }), () => withDetail(notFound(), 'No such webhook')),
  ...asEach(WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/:webhookId`, "B's own webhook", (f) => ({ url: `${WEBHOOKS}/${bWebhook(f)}` }), ownWebhook),
  ...asEach(NOT_WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/:webhookId`, "A's webhook", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}` }), forbidden),
  ...asEach(WEBHOOK_MANAGERS, `PATCH ${WEBHOOKS}/:webhookId`, "A's webhook: every field, disabled", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}`, payload: webhookPatch() }), () => notFoundOfWritingNothing('No such webhook')),
  ...asEach(WEBHOOK_MANAGERS, `PATCH ${WEBHOOKS}/:webhookId`, "A's webhook: re-enabled", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}`, payload: { status: 'active' } }), () => notFoundOfWritingNothing('No such webhook')),
  ...asEach(NOT_WEBHOOK_MANAGERS, `PATCH ${WEBHOOKS}/:webhookId`, "A's webhook", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}`, payload: webhookPatch() }), () => writingNothing(forbidden())),
  ...asEach(WEBHOOK_MANAGERS, `DELETE ${WEBHOOKS}/:webhookId`, "A's webhook", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}` }), () => notFoundOfWritingNothing('No such webhook')),
  ...asEach(NOT_WEBHOOK_MANAGERS, `DELETE ${WEBHOOKS}/:webhookId`, "A's webhook", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}` }), () => writingNothing(forbidden())),

  // --- the signing secret: a rotation would show B the new one, and end A's at once with 0 ---------------
  ...asEach(WEBHOOK_MANAGERS, `POST ${WEBHOOKS}/:webhookId/secret`, "A's webhook's secret, the old one ended at once", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}/secret`, payload: { previousValidForHours: 0 } }), () =>
    notFoundOfWritingNothing('No such webhook'),
  ),
  ...asEach(WEBHOOK_MANAGERS, `POST ${WEBHOOKS}/:webhookId/secret`, "A's webhook's secret, the old one kept the default 24 hours", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}/secret`, payload: {} }), () =>
    notFoundOfWritingNothing('No such webhook'),
  ),
  ...asEach(NOT_WEBHOOK_MANAGERS, `POST ${WEBHOOKS}/:webhookId/secret`, "A's webhook's secret", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}/secret`, payload: { previousValidForHours: 0 } }), () => writingNothing(forbidden())),

  // --- delivery logs -------------------------------------------------------------------------------------
  ...asEach(WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/:webhookId/deliveries`, "A's webhook's deliveries", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}/deliveries?limit=100` }), () => withDetail(notFound(), 'No such webhook')),
  ...asEach(
    WEBHOOK_MANAGERS,
    `GET ${WEBHOOKS}/:webhookId/deliveries`,
    "A's webhook's pending meeting.scheduled deliveries",
    (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}/deliveries?limit=100&eventType=meeting.scheduled&status=pending` }),
    () => withDetail(notFound(), 'No such webhook'),
  ),
  ...asEach(WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/:webhookId/deliveries`, "B's own webhook's deliveries", (f) => ({ url: `${WEBHOOKS}/${bWebhook(f)}/deliveries?limit=100` }), () => ownDeliveries()),
  // Filters A's log matches as well as B's: B's rows alone.
  ...asEach(
    WEBHOOK_MANAGERS,
    `GET ${WEBHOOKS}/:webhookId/deliveries`,
    "B's own webhook's pending meeting.scheduled deliveries",
    (f) => ({ url: `${WEBHOOKS}/${bWebhook(f)}/deliveries?limit=100&eventType=meeting.scheduled&status=pending` }),
    () => ownDeliveries({ eventType: 'meeting.scheduled', status: 'pending' }),
  ),
  ...asEach(NOT_WEBHOOK_MANAGERS, `GET ${WEBHOOKS}/:webhookId/deliveries`, "A's webhook's deliveries", (f) => ({ url: `${WEBHOOKS}/${aWebhook(f)}/deliveries?limit=100` }), forbidden),
  ...REDELIVERIES.flatMap(({ name, url, detail }) => [
    ...asEach(WEBHOOK_MANAGERS, `POST ${WEBHOOKS}/:webhookId/deliveries/:deliveryId/redeliver`, name, (f) => ({ url: url(f) }), () => notFoundOfWritingNothing(detail)),
    ...asEach(NOT_WEBHOOK_MANAGERS, `POST ${WEBHOOKS}/:webhookId/deliveries/:deliveryId/redeliver`, name, (f) => ({ url: url(f) }), () => writingNothing(forbidden())),
  ]),
  // The control: B's own pending delivery is redelivered, so the 404s above are for A's ids alone.
  ...asEach(
    WEBHOOK_MANAGERS,
    `POST ${WEBHOOKS}/:webhookId/deliveries/:deliveryId/redeliver`,
    "B's own delivery of B's webhook",
    (f) => ({ url: `${WEBHOOKS}/${bWebhook(f)}/deliveries/${bDelivery(f)}/redeliver` }),
    redeliversOwn,
  ),
]

/** Every non-public route of the app, aimed by B at A. Later features add their routes here. */
// --- SCIM (/scim/v2): B's identity provider (B's client, with the scim scope) aimed at A's members ---

const SCIM_JSON = 'application/scim+json; charset=utf-8'
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'

/** A SCIM error body (RFC 7644 §3.12) with this status. */
function scimError(status: number): Expectation {
  return {
    describe: `${status} ${SCIM_JSON} SCIM error`,
    check(response) {
      equal(response.statusCode, status, 'status')
      equal(response.headers['content-type'], SCIM_JSON, 'content-type')
      const body = response.json() as { schemas: string[]; status: string }
      equal([body.schemas, body.status], [[SCIM_ERROR], String(status)], 'SCIM error')
    },
  }
}
const scimNotFoundWritingNothing = () => writingNothing(scimError(404))
const scimForbidden = () => scimError(403)

/** GET /scim/v2/Users: B's members, all those SCIM sees, none of A's. */
function scimOwnUsers(): Expectation {
  return {
    describe: "200 with B's members as SCIM Users, none of A's",
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], SCIM_JSON, 'content-type')
      const body = response.json() as { totalResults: number; Resources: Array<{ id: string }> }
      const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM members WHERE school_id = $1 AND scim_deleted_at IS NULL AND erased_at IS NULL ORDER BY id LIMIT 100', [f.b.school.id])
      equal(body.Resources.map((r) => r.id), rows.map((r) => r.id), "B's members (first page)")
    },
  }
}

/** A filter naming A's member's userName: nothing in B has it. */
function scimNoUsers(): Expectation {
  return {
    describe: '200 with an empty ListResponse',
    check(response) {
      equal(response.statusCode, 200, 'status')
      equal((response.json() as { totalResults: number }).totalResults, 0, 'totalResults')
    },
  }
}

/** POST /scim/v2/Users with A's member's userName: a new member of B; A's member untouched. */
function scimCreatedInB(): Expectation<{ a: Record<string, unknown[]> }> {
  return {
    describe: "201 with a new member of B; A's rows unchanged",
    prepare: async ({ f, owner }) => ({ a: await snapshotSchool(owner, f.a.school.id) }),
    async check(response, { f, owner }, before) {
      equal(response.statusCode, 201, 'status')
      const body = response.json() as { id: string; userName: string }
      const { rows } = await owner.query<{ school_id: string }>('SELECT school_id::text FROM members WHERE id = $1', [body.id])
      equal(rows.map((r) => r.school_id), [f.b.school.id], "the new member's school")
      const after = await snapshotSchool(owner, f.a.school.id)
      for (const table of Object.keys(after)) equal(after[table], before.a[table], `A's ${table} rows`)
    },
  }
}

/** The discovery endpoints: the same for every school. */
function scimDiscovery(): Expectation {
  return {
    describe: '200 SCIM discovery',
    check(response) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], SCIM_JSON, 'content-type')
    },
  }
}

const aMemberUserName = (f: CrossTenantFixture) => f.a.school.members.student!.externalId
const aMember = (f: CrossTenantFixture) => f.a.school.members.student!.id
const scimPatchBody = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }

const SCIM_CASES: CrossTenantCase[] = [
  ...(['GET /scim/v2/ServiceProviderConfig', 'GET /scim/v2/ResourceTypes', 'GET /scim/v2/Schemas', 'GET /scim/v2/ResourceTypes/:id', 'GET /scim/v2/Schemas/:id'] as const).flatMap((route): CrossTenantCase[] => {
    const url = route.slice(4).replace(':id', route.includes('Schemas') ? SCIM_USER : 'User')
    return [
      { route, as: 'client', name: 'discovery', request: () => ({ url }), expect: scimDiscovery() },
      ...asEach(MEMBERS, route, 'discovery', () => ({ url }), scimForbidden),
    ]
  }),
  { route: 'GET /scim/v2/Users', as: 'client', name: "B's users", request: () => ({ url: '/scim/v2/Users' }), expect: scimOwnUsers() },
  { route: 'GET /scim/v2/Users', as: 'client', name: "A's member's userName", request: (f) => ({ url: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${aMemberUserName(f)}"`)}` }), expect: scimNoUsers() },
  { route: 'GET /scim/v2/Users', as: 'client', name: "A's member's id", request: (f) => ({ url: `/scim/v2/Users?filter=${encodeURIComponent(`id eq "${aMember(f)}"`)}` }), expect: scimNoUsers() },
  ...asEach(MEMBERS, 'GET /scim/v2/Users', 'users', () => ({ url: '/scim/v2/Users' }), scimForbidden),
  { route: 'GET /scim/v2/Users/:id', as: 'client', name: "A's member", request: (f) => ({ url: `/scim/v2/Users/${aMember(f)}` }), expect: scimError(404) },
  { route: 'PUT /scim/v2/Users/:id', as: 'client', name: "A's member", request: (f) => ({ url: `/scim/v2/Users/${aMember(f)}`, payload: { schemas: [SCIM_USER], userName: 'taken-by-b', active: false } }), expect: scimNotFoundWritingNothing() },
  { route: 'PATCH /scim/v2/Users/:id', as: 'client', name: "A's member", request: (f) => ({ url: `/scim/v2/Users/${aMember(f)}`, payload: scimPatchBody }), expect: scimNotFoundWritingNothing() },
  { route: 'DELETE /scim/v2/Users/:id', as: 'client', name: "A's member", request: (f) => ({ url: `/scim/v2/Users/${aMember(f)}` }), expect: scimNotFoundWritingNothing() },
  { route: 'POST /scim/v2/Users', as: 'client', name: "A's member's userName, in B", request: (f) => ({ url: '/scim/v2/Users', payload: { schemas: [SCIM_USER], userName: aMemberUserName(f), name: { givenName: 'Same', familyName: 'Name' } } }), expect: scimCreatedInB() },
  ...(['GET /scim/v2/Users/:id', 'PUT /scim/v2/Users/:id', 'PATCH /scim/v2/Users/:id', 'DELETE /scim/v2/Users/:id', 'POST /scim/v2/Users'] as const).flatMap((route) =>
    asEach(MEMBERS, route, "A's member", (f) => ({ url: route.includes(':id') ? `/scim/v2/Users/${aMember(f)}` : '/scim/v2/Users', ...(route.startsWith('GET') || route.startsWith('DELETE') ? {} : { payload: route.startsWith('PATCH') ? scimPatchBody : { schemas: [SCIM_USER], userName: 'x-by-b' } }) }), scimForbidden),
  ),
]

export const CROSS_TENANT_MATRIX: CrossTenantCase[] = [
  ...SCIM_CASES,
  // --- the caller ------------------------------------------------------------------------------
  ...(['school_admin', 'student', 'client', 'webhook_client'] as const).map((as) => ({
    route: 'GET /v1/me',
    as,
    name: "B's caller asks who it is",
    request: () => ({ url: '/v1/me' }),
    expect: ownCaller(as),
  })),
  ...(['school_admin', 'client'] as const).map((as) => ({
    route: 'POST /graphql',
    as,
    name: 'GraphQL me',
    request: () => ({ url: '/graphql', payload: { query: ME_QUERY } }),
    expect: graphqlOwnCaller(as),
  })),
  {
    route: 'GET /graphql',
    as: 'student',
    name: 'GraphQL me over GET',
    request: () => ({ url: `/graphql?query=${encodeURIComponent(ME_QUERY)}` }),
    expect: graphqlOwnCaller('student'),
  },

  // --- schools (platform operators only) --------------------------------------------------------
  { route: `POST ${SCHOOLS}`, as: 'school_admin', name: 'create a school', request: () => ({ url: SCHOOLS, payload: { slug: 'xt-evil', name: 'Evil', timeZone: 'UTC' } }), expect: forbidden() },
  { route: `GET ${SCHOOLS}`, as: 'school_admin', name: 'list schools', request: () => ({ url: SCHOOLS }), expect: forbidden() },
  { route: `GET ${SCHOOLS}/:schoolId`, as: 'school_admin', name: "read A's school", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}` }), expect: forbidden() },
  {
    route: `PATCH ${SCHOOLS}/:schoolId`,
    as: 'school_admin',
    name: "disable A's school",
    request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}`, payload: { status: 'disabled', name: 'Taken' } }),
    expect: forbidden(),
  },
  ...(['school_admin', 'client', 'webhook_client'] as const).flatMap((as) => [
    { route: `GET ${SCHOOLS}/:schoolId/export`, as, name: "export A's school", request: (f: CrossTenantFixture) => ({ url: `${SCHOOLS}/${f.a.school.id}/export` }), expect: forbidden() },
    { route: `GET ${SCHOOLS}/:schoolId/export`, as, name: "export B's own school", request: (f: CrossTenantFixture) => ({ url: `${SCHOOLS}/${f.b.school.id}/export` }), expect: forbidden() },
    { route: `DELETE ${SCHOOLS}/:schoolId`, as, name: "delete A's school", request: (f: CrossTenantFixture) => ({ url: `${SCHOOLS}/${f.a.school.id}?confirm=${f.a.school.slug}` }), expect: writingNothing(forbidden()) },
  ]),

  // --- identity providers ------------------------------------------------------------------------
  { route: `POST ${IDPS}`, as: 'school_admin', name: "add a provider to A", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/identity-providers`, payload: validProvider(f) }), expect: notFound() },
  {
    // The issuer and audience decide a token's school: B may not claim A's pair, nor learn whose it is.
    route: `POST ${IDPS}`,
    as: 'school_admin',
    name: "claim A's issuer and audience in B's path",
    request: (f) => ({ url: `${SCHOOLS}/${f.b.school.id}/identity-providers`, payload: validProvider(f) }),
    expect: conflict(),
  },
  {
    route: `PATCH ${IDPS}/:providerId`,
    as: 'school_admin',
    name: "move B's own provider onto A's issuer and audience",
    request: (f) => ({
      url: `${SCHOOLS}/${f.b.school.id}/identity-providers/${f.b.identityProvider.id}`,
      payload: { issuer: f.a.identityProvider.issuer, audience: f.a.identityProvider.audience, jwksUri: validProvider(f).jwksUri },
    }),
    expect: conflict(),
  },
  { route: `GET ${IDPS}`, as: 'school_admin', name: "list A's providers", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/identity-providers?limit=100` }), expect: notFound() },
  { route: `GET ${IDPS}`, as: 'school_admin', name: "list B's own providers", request: (f) => ({ url: `${SCHOOLS}/${f.b.school.id}/identity-providers?limit=100` }), expect: onlyOwnRows('identity_providers') },
  ...bothPaths(`GET ${IDPS}/:providerId`, idpPaths),
  ...bothPaths(`PATCH ${IDPS}/:providerId`, idpPaths, '', () => providerPatch),
  ...bothPaths(`DELETE ${IDPS}/:providerId`, idpPaths),

  // --- integration clients -----------------------------------------------------------------------
  { route: `POST ${CLIENTS}`, as: 'school_admin', name: 'add a client to A', request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/integration-clients`, payload: clientBody }), expect: notFound() },
  { route: `GET ${CLIENTS}`, as: 'school_admin', name: "list A's clients", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/integration-clients?limit=100` }), expect: notFound() },
  { route: `GET ${CLIENTS}`, as: 'school_admin', name: "list B's own clients", request: (f) => ({ url: `${SCHOOLS}/${f.b.school.id}/integration-clients?limit=100` }), expect: onlyOwnRows('integration_clients') },
  ...bothPaths(`GET ${CLIENTS}/:clientId`, clientPaths),
  ...bothPaths(`PATCH ${CLIENTS}/:clientId`, clientPaths, '', () => clientPatch),
  ...bothPaths(`POST ${CLIENTS}/:clientId/secret`, clientPaths, '/secret'),
  ...bothPaths(`DELETE ${CLIENTS}/:clientId`, clientPaths),

  // --- members (the school comes from the token alone) -------------------------------------------
  ...MEMBER_READERS.map((as) => ({
    route: 'GET /v1/members/:memberId',
    as,
    name: "read A's member by id",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${f.a.school.members.advisor!.id}` }),
    expect: notFound(),
  })),
  ...(['school_admin', 'advisor', 'client'] as const).map((as) => ({
    route: 'GET /v1/members',
    as,
    name: 'list members',
    request: () => ({ url: '/v1/members?limit=100' }),
    expect: onlyOwnRows('members'),
  })),
  {
    route: 'PUT /v1/members/:externalId',
    as: 'school_admin',
    name: "provision A's student's external id",
    request: (f) => ({ url: `/v1/members/${f.a.school.members.student!.externalId}`, payload: memberBody }),
    expect: provisionsOwnMember((f) => f.a.school.members.student!.externalId),
  },
  {
    route: 'PUT /v1/members/:externalId',
    as: 'client',
    name: "provision A's admin's external id",
    request: (f) => ({ url: `/v1/members/${f.a.school.members.school_admin!.externalId}`, payload: clientMemberBody }),
    expect: provisionsOwnMember((f) => f.a.school.members.school_admin!.externalId),
  },
  {
    route: 'POST /v1/members::bulk',
    as: 'client',
    name: "bulk-provision A's external ids",
    request: (f) => ({
      url: '/v1/members:bulk',
      payload: { members: [f.a.school.members.alumni!.externalId, f.a.school.members.advisor!.externalId].map((externalId) => ({ externalId, ...clientMemberBody })) },
    }),
    expect: bulkProvisionsOwnMembers((f) => [f.a.school.members.alumni!.externalId, f.a.school.members.advisor!.externalId]),
  },

  // --- a member's data: export and erasure ---------------------------------------------------------
  // Aimed at A's student: 404 for B's admin (who may export and erase B's members) and for B's members
  // (who may export only themselves), 403 where the role may not; nothing written either way.
  ...(['school_admin', 'advisor', 'student', 'alumni'] as const).map((as) => ({
    route: 'GET /v1/members/:memberId/export',
    as,
    name: "export A's student",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/export` }),
    expect: notFound(),
  })),
  ...(['client', 'webhook_client'] as const).map((as) => ({
    route: 'GET /v1/members/:memberId/export',
    as,
    name: "export A's student",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/export` }),
    expect: forbidden(),
  })),
  {
    route: 'GET /v1/members/:memberId/export',
    as: 'school_admin',
    name: "export B's own student",
    request: (f) => ({ url: `/v1/members/${f.b.conversations.studentId}/export` }),
    expect: {
      describe: "200 with B's student's export",
      check(response, { f }) {
        equal(response.statusCode, 200, 'status')
        const body = response.json() as { schoolId: string; memberId: string; data: { member: { id: string }; contacts: unknown[] } }
        equal([body.schoolId, body.memberId, body.data.member.id], [f.b.school.id, f.b.conversations.studentId, f.b.conversations.studentId], 'the member exported')
        if (body.data.contacts.length === 0) fail("B's student has no contacts; the export would prove nothing")
      },
    },
  },
  {
    route: 'POST /v1/members/:memberId/erase',
    as: 'school_admin',
    name: "erase A's student",
    request: (f) => ({ url: `/v1/members/${aStudent(f)}/erase` }),
    expect: notFoundWritingNothing(),
  },
  ...(['advisor', 'student', 'alumni', 'client', 'webhook_client'] as const).map((as) => ({
    route: 'POST /v1/members/:memberId/erase',
    as,
    name: "erase A's student",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/erase` }),
    expect: writingNothing(forbidden()),
  })),

  // --- the audit log (the school comes from the token alone; the matrix's leak check fails any answer
  // that names A's ids, and B's log is busy: every request of B's appends to it) ---------------------
  {
    route: 'GET /v1/audit-events',
    as: 'school_admin',
    name: "B's audit log, filtered by A's student",
    request: (f) => ({ url: `/v1/audit-events?limit=100&subjectId=${aStudent(f)}` }),
    expect: {
      describe: '200 with no event',
      check(response) {
        equal(response.statusCode, 200, 'status')
        equal((response.json() as { items: unknown[] }).items, [], 'items')
      },
    },
  },
  {
    route: 'GET /v1/audit-events',
    as: 'school_admin',
    name: "B's own audit log",
    request: () => ({ url: '/v1/audit-events?limit=100' }),
    expect: {
      describe: "200 with B's events",
      check(response) {
        equal(response.statusCode, 200, 'status')
        if ((response.json() as { items: unknown[] }).items.length === 0) fail("B's log is empty; the answer would prove nothing")
      },
    },
  },
  ...(['student', 'alumni', 'advisor', 'client', 'webhook_client'] as const).map((as) => ({
    route: 'GET /v1/audit-events',
    as,
    name: "the school's audit log",
    request: () => ({ url: '/v1/audit-events' }),
    expect: forbidden(),
  })),
  ...(['student', 'advisor', 'school_admin'] as const).map((as) => ({
    route: 'GET /v1/me/disclosures',
    as,
    name: 'my disclosure log',
    request: () => ({ url: '/v1/me/disclosures?limit=100' }),
    expect: { describe: '200', check: (response: LightMyRequestResponse) => equal(response.statusCode, 200, 'status') },
  })),

  // --- confirmation links and reliability -----------------------------------------------------------
  ...(['student', 'alumni', 'advisor', 'school_admin'] as const).map((as) => ({
    route: 'GET /v1/meetings/:meetingId/confirmation-links',
    as,
    name: "the links of A's meeting",
    request: (f: CrossTenantFixture) => ({ url: `/v1/meetings/${f.a.meeting.id}/confirmation-links` }),
    expect: notFound(),
  })),
  ...(['client', 'webhook_client'] as const).map((as) => ({
    route: 'GET /v1/meetings/:meetingId/confirmation-links',
    as,
    name: "the links of A's meeting",
    request: (f: CrossTenantFixture) => ({ url: `/v1/meetings/${f.a.meeting.id}/confirmation-links` }),
    expect: forbidden(),
  })),
  ...(['student', 'alumni', 'advisor', 'school_admin'] as const).map((as) => ({
    route: 'GET /v1/members/:memberId/reliability',
    as,
    name: "A's student's reliability",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/reliability` }),
    expect: notFound(),
  })),
  ...(['client', 'webhook_client'] as const).map((as) => ({
    route: 'GET /v1/members/:memberId/reliability',
    as,
    name: "A's student's reliability",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/reliability` }),
    expect: forbidden(),
  })),

  // A member's sharing choices: 404 to B's members (B's advisor may never choose: 403 whatever the id);
  // clients are no members: 403.
  ...(['student', 'alumni', 'advisor', 'school_admin'] as const).map((as) => ({
    route: 'GET /v1/members/:memberId/sharing',
    as,
    name: "A's student's sharing",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/sharing` }),
    expect: notFound(),
  })),
  ...(['student', 'alumni', 'school_admin'] as const).map((as) => ({
    route: 'PATCH /v1/members/:memberId/sharing',
    as,
    name: "hide A's student's name",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/sharing`, payload: { name: false } }),
    expect: notFoundWritingNothing(),
  })),
  {
    route: 'PATCH /v1/members/:memberId/sharing',
    as: 'advisor',
    name: "hide A's student's name",
    request: (f) => ({ url: `/v1/members/${aStudent(f)}/sharing`, payload: { name: false } }),
    expect: forbidden(),
  },
  ...(['client', 'webhook_client'] as const).flatMap((as) => [
    { route: 'GET /v1/members/:memberId/sharing', as, name: "A's student's sharing", request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/sharing` }), expect: forbidden() },
    { route: 'PATCH /v1/members/:memberId/sharing', as, name: "hide A's student's name", request: (f: CrossTenantFixture) => ({ url: `/v1/members/${aStudent(f)}/sharing`, payload: { name: false } }), expect: forbidden() },
  ]),
  {
    route: 'GET /v1/members/:memberId/sharing',
    as: 'school_admin',
    name: "B's own student's sharing",
    request: (f) => ({ url: `/v1/members/${f.b.conversations.studentId}/sharing` }),
    expect: {
      describe: "200 with B's student's choices",
      check(response, { f }) {
        equal(response.statusCode, 200, 'status')
        equal(response.json(), { memberId: f.b.conversations.studentId, directoryOptOut: false, sharing: SHARE_ALL, shownToOthers: SHARE_ALL }, 'the choices')
      },
    },
  },

  // --- contacts, outreach, referrals and networks (the school and the student come from the token) --
  ...CONVERSATION_CASES,

  // --- meetings, the question bank and calendar feeds (the same) --------------------------------------
  ...MEETING_CASES,

  // --- alumni hosts, host requests, suggestions and programmes ---------------------------------------
  ...HOSTING_CASES,

  // --- reports: the GraphQL report field and the CSV exports (the school comes from the token) --------
  ...REPORT_CASES,

  // --- webhooks: subscriptions, their secrets and delivery logs (the school comes from the token) -----
  ...WEBHOOK_CASES,
]

// ---------------------------------------------------------------------------------------------
// Running the matrix
// ---------------------------------------------------------------------------------------------

function methodOf(route: string): HTTPMethods {
  return route.slice(0, route.indexOf(' ')) as HTTPMethods
}

/**
 * Every string of A's that appears in an answer to B. The request's own path is taken out first:
 * echoing what B sent (in `instance`, or a "No route" detail) tells B nothing it did not know.
 */
function leaks(response: LightMyRequestResponse, url: string, secrets: string[]): string[] {
  const path = url.split('?')[0]!
  if (response.headers['content-type']?.toString().startsWith('application/problem+json')) {
    const { instance } = response.json() as Record<string, unknown>
    if (instance !== path) fail(`problem instance ${JSON.stringify(instance)} is not the request path`)
  }
  const text = readableText(response).replaceAll(path, '<request path>')
  return secrets.filter((secret) => text.includes(secret))
}

/** The answer's text as a reader sees it: an iCalendar document unfolded and unescaped (see unfoldCalendar). */
function readableText(response: LightMyRequestResponse): string {
  return response.headers['content-type']?.toString().startsWith('text/calendar') ? unfoldCalendar(response.body) : response.body
}

/** Every `schoolId` property anywhere in a JSON answer. */
function schoolIdsIn(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) schoolIdsIn(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'schoolId') found.push(child)
      schoolIdsIn(child, found)
    }
  }
  return found
}

/** All of a school's rows in every tenant table (any table with a school_id column), and its schools row. */
export async function snapshotSchool(owner: pg.Client, schoolId: string): Promise<Record<string, unknown[]>> {
  const { rows: tables } = await owner.query<{ table_name: string }>(
    // The audit log grows with every request, written after the answer is sent: a read of B's own
    // data adds a row to B's log at a moment of its own. test/audit.test.ts checks it stays in the school.
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'school_id' AND table_name <> 'audit_events' ORDER BY table_name`,
  )
  const snapshot: Record<string, unknown[]> = {}
  for (const { table_name } of tables) {
    const { rows } = await owner.query(`SELECT to_jsonb(t) AS row FROM "${table_name}" t WHERE school_id = $1 ORDER BY to_jsonb(t)::text`, [schoolId])
    snapshot[table_name] = rows.map((row) => row.row)
  }
  snapshot.schools = (await owner.query('SELECT to_jsonb(s) AS row FROM schools s WHERE id = $1', [schoolId])).rows.map((row) => row.row)
  return snapshot
}

export interface CaseOutcome {
  case: string
  error?: string
}

/**
 * Plays every case of the matrix as B's caller against A's data. Besides each case's own
 * expectation it checks that no answer carries any of A's identifiers, that every `schoolId` in an
 * answer is B's, that HEAD on a GET case answers the same status with no body, and that none of A's
 * rows (in any tenant table, and its schools row) changed. Throws one error listing every failure.
 */
export async function runCrossTenantMatrix(t: TestApp, f: CrossTenantFixture, matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): Promise<CaseOutcome[]> {
  const owner = new pg.Client({ connectionString: t.db.ownerUrl })
  await owner.connect()
  const outcomes: CaseOutcome[] = []
  try {
    const ctx: CaseContext = { t, f, owner }
    const secrets = secretsOf(f.a)
    const before = await snapshotSchool(owner, f.a.school.id)
    for (const entry of matrix) {
      const label = `${entry.route} as B's ${entry.as}: ${entry.name} (expected ${entry.expect.describe})`
      try {
        const method = methodOf(entry.route)
        const { url, payload, headers } = entry.request(f)
        const token = tokenOf(f.b, entry.as)
        const prepared = entry.expect.prepare ? await entry.expect.prepare(ctx) : undefined
        const response = await t.request({ method, url, token, headers, ...(payload !== undefined ? { payload: payload as object } : {}) })
        try {
          await entry.expect.check(response, ctx, prepared)
          const leaked = leaks(response, url, secrets)
          if (leaked.length) fail(`the answer carries A's ${leaked.join(', ')}`)
          if (response.headers['content-type']?.toString().startsWith('application/json')) {
            const foreign = schoolIdsIn(response.json()).filter((id) => id !== f.b.school.id)
            if (foreign.length) fail(`the answer names schools other than B: ${JSON.stringify(foreign)}`)
          }
        } catch (error) {
          throw new Error(`${(error as Error).message}\n    answer: ${response.statusCode} ${response.body.slice(0, 400)}`)
        }
        if (method === 'GET') {
          const head = await t.request({ method: 'HEAD', url, token, headers })
          equal(head.statusCode, response.statusCode, 'HEAD status')
          equal(head.body, '', 'HEAD body')
        }
        outcomes.push({ case: label })
      } catch (error) {
        outcomes.push({ case: label, error: (error as Error).message })
      }
    }
    const after = await snapshotSchool(owner, f.a.school.id)
    for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[table]) !== JSON.stringify(after[table])) {
        outcomes.push({ case: `A's ${table} rows after the matrix`, error: `changed:\n    before ${JSON.stringify(before[table])}\n    after  ${JSON.stringify(after[table])}` })
      }
    }
  } finally {
    await owner.end()
  }
  const failed = outcomes.filter((outcome) => outcome.error)
  if (failed.length) {
    throw new Error(`${failed.length} of ${outcomes.length} cross-tenant checks failed:\n${failed.map((outcome) => `- ${outcome.case}\n    ${outcome.error}`).join('\n')}`)
  }
  return outcomes
}

// ---------------------------------------------------------------------------------------------
// Coverage: every route the app registers has an entry
// ---------------------------------------------------------------------------------------------

export interface AppRoute {
  method: string
  url: string
  /** config.public, or the documentation and GraphiQL pages. */
  public: boolean
  /** `${method} ${url}`, as matrix entries name routes. */
  key: string
}

/**
 * Every route of the app, as registered: a twin app is built from the test app's own dependencies
 * with an `onRoute` hook attached the moment the Fastify instance is created.
 */
export async function registeredRoutes(t: TestApp): Promise<AppRoute[]> {
  const seen: RouteOptions[] = []
  const attach = (message: unknown) => {
    ;(message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => {
      seen.push(route)
    })
  }
  dc.subscribe('fastify.initialization', attach)
  let twin: FastifyInstance
  try {
    twin = await buildApp({ config: t.config, database: t.database, keys: t.keys, logger: false })
    await twin.ready()
  } finally {
    dc.unsubscribe('fastify.initialization', attach)
  }
  await twin.close()
  if (seen.length === 0) throw new Error('no route was seen: Fastify no longer publishes fastify.initialization?')
  // Read the config only now: plugins' onRoute hooks (auth) may replace it after ours ran.
  const routes = seen.flatMap((route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const config = (route.config ?? {}) as { public?: boolean }
    const isPublic = config.public === true || route.url.startsWith('/docs') || route.url.startsWith('/graphiql')
    return methods.map((method) => ({ method, url: route.url, public: isPublic, key: `${method} ${route.url}` }))
  })
  // The router files a bare '*' (as @fastify/cors registers it) under '/*'.
  const absent = routes.filter((route) => !t.app.hasRoute({ method: route.method as HTTPMethods, url: route.url === '*' ? '/*' : route.url }))
  if (absent.length) throw new Error(`the twin app has routes the test app lacks: ${absent.map((route) => route.key).join(', ')}`)
  return routes
}

/**
 * Non-public routes without an entry (a HEAD route is covered by the entries of its GET, which the
 * runner replays as HEAD), and entries naming a route that is not registered or is public.
 */
export function matrixCoverage(routes: AppRoute[], matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): { missing: string[]; stale: string[] } {
  const covered = new Set(matrix.map((entry) => entry.route))
  const guarded = routes.filter((route) => !route.public)
  const missing = guarded
    .filter((route) => !covered.has(route.key) && !(route.method === 'HEAD' && covered.has(`GET ${route.url}`)))
    .map((route) => route.key)
  const guardedKeys = new Set(guarded.map((route) => route.key))
  const stale = [...covered].filter((key) => !guardedKeys.has(key))
  return { missing: [...new Set(missing)], stale }
}

/** Fails naming every non-public route without a cross-tenant entry, and every stale entry. */
export function assertMatrixCovers(routes: AppRoute[], matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): void {
  const { missing, stale } = matrixCoverage(routes, matrix)
  const problems = [
    ...missing.map((key) => `route ${key} has no entry in CROSS_TENANT_MATRIX (test/helpers/cross-tenant.ts)`),
    ...stale.map((key) => `CROSS_TENANT_MATRIX names ${key}, which the app does not register as a non-public route`),
  ]
  if (problems.length) throw new Error(problems.join('\n'))
}

/** registeredRoutes + assertMatrixCovers. */
export async function assertCrossTenantCoverage(t: TestApp, matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): Promise<AppRoute[]> {
  const routes = await registeredRoutes(t)
  assertMatrixCovers(routes, matrix)
  return routes
}
