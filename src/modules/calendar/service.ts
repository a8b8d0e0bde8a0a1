// Calendar: a meeting as iCalendar, and a member's feed of booked meetings at a secret URL that a
// calendar application polls without a bearer token. Times are written in UTC, which every calendar
// shows in its own time zone, so daylight-saving changes cannot shift them. Only a hash of a feed's
// secret is stored; revoking a feed makes its URL answer 404.
import { schoolOf } from '../schools/settings.js'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import ical, { ICalEventStatus } from 'ical-generator'
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import type { Database, Tenant } from '../../infra/db/database.js'
import { forbidden, notFound } from '../../infra/http/problem.js'
import type { Meeting as MeetingRow } from '../../generated/prisma/client.js'
import { studentScope } from '../contacts/access.js'

const KIND_LABEL = { informational_interview: 'Informational interview', job_shadow: 'Job shadow' } as const
const MAX_FEED_EVENTS = 500

interface MeetingWithContact extends MeetingRow {
  contact: { fullName: string; organization: string | null }
}

interface Segment {
  kind: string
  title: string
  startsAt: string
  endsAt: string
}

interface Occurrence {
  id: string
  start: Date
  end: Date
  summary: string
  description: string
}

/**
 * A meeting's events. An interview, or a shadow within one day of the school's time zone, is one
 * event. A shadow over several days is one event per day, as a calendar should show a week of
 * shadowing (not one 33-hour block): each day from its first itinerary segment's start to its last
 * one's end, the day's segments as the description; a day without segments takes the window's
 * daily hours (its start's time of day to its end's), or, when those do not make a span, its part
 * of the window.
 */
function occurrences(meeting: MeetingWithContact & { startsAt: Date; endsAt: Date }, timeZone: string): Occurrence[] {
  const who = meeting.contact.organization ? `${meeting.contact.fullName} (${meeting.contact.organization})` : meeting.contact.fullName
  const summary = `${KIND_LABEL[meeting.kind]} with ${who}`
  const start = DateTime.fromJSDate(meeting.startsAt, { zone: timeZone })
  const end = DateTime.fromJSDate(meeting.endsAt, { zone: timeZone })
  const lastDay = end.minus({ milliseconds: 1 }).startOf('day')
  if (meeting.kind !== 'job_shadow' || lastDay <= start.startOf('day')) {
    return [{ id: `${meeting.id}@vantage`, start: meeting.startsAt, end: meeting.endsAt, summary, description: meeting.purpose }]
  }
  const segments = ((meeting.itinerary ?? []) as unknown as Segment[]).map((segment) => ({
    ...segment,
    from: DateTime.fromISO(segment.startsAt, { zone: timeZone }),
    to: DateTime.fromISO(segment.endsAt, { zone: timeZone }),
  }))
  const days: Occurrence[] = []
  const total = Math.round(lastDay.diff(start.startOf('day'), 'days').days) + 1
  for (let day = start.startOf('day'), index = 1; day <= lastDay; day = day.plus({ days: 1 }), index += 1) {
    const date = day.toISODate()!
    const nextDay = day.plus({ days: 1 })
    const clip = (from: DateTime, to: DateTime) => ({ from: from < start ? start : from, to: to > end ? end : to })
    const ofDay = segments.filter((segment) => segment.from < nextDay && segment.to > day)
    let span: { from: DateTime; to: DateTime }
    if (ofDay.length) {
      span = clip(DateTime.min(...ofDay.map((segment) => segment.from))!, DateTime.max(...ofDay.map((segment) => segment.to))!)
    } else {
      const dailyFrom = day.set({ hour: start.hour, minute: start.minute })
      const dailyTo = day.set({ hour: end.hour, minute: end.minute })
      span = dailyTo > dailyFrom ? clip(dailyFrom, dailyTo) : clip(day, nextDay)
    }
    if (span.to <= span.from) continue
    const lines = ofDay.map((segment) => `${segment.from.toFormat('HH:mm')}-${segment.to.toFormat('HH:mm')} ${segment.title} (${segment.kind})`)
    days.push({
      id: `${meeting.id}-${date}@vantage`,
      start: span.from.toJSDate(),
      end: span.to.toJSDate(),
      summary: `${summary} (day ${index} of ${total})`,
      description: [meeting.purpose, ...lines].join('\n'),
    })
  }
  return days
}

function calendarOf(name: string, meetings: MeetingWithContact[], publicUrl: string, timeZone: string) {
  const calendar = ical({ name, prodId: { company: 'Vantage', product: 'Vantage', language: 'EN' } })
  for (const meeting of meetings) {
    const { startsAt, endsAt } = meeting
    if (!startsAt || !endsAt) continue
    for (const occurrence of occurrences({ ...meeting, startsAt, endsAt }, timeZone)) {
      calendar.createEvent({
        ...occurrence,
        location: meeting.location ?? undefined,
        status: ['cancelled', 'declined', 'no_show'].includes(meeting.status) ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        url: `${publicUrl}/v1/meetings/${meeting.id}`,
        stamp: meeting.updatedAt,
        lastModified: meeting.updatedAt,
      })
    }
  }
  return calendar.toString()
}

export async function meetingCalendar({ db, schoolId }: Tenant, principal: Principal, id: string, publicUrl: string, timeZone: string) {
  const studentId = studentScope(principal)
  const meeting = await db.meeting.findFirst({
    where: { schoolId, id, ...(studentId ? { studentId } : {}) },
    include: { contact: { select: { fullName: true, organization: true } } },
  })
  if (!meeting) throw notFound('meeting')
  if (!meeting.startsAt) throw notFound('scheduled window for this meeting')
  return calendarOf('Vantage meeting', [meeting], publicUrl, timeZone)
}

function hash(secret: string) {
  return createHash('sha256').update(secret).digest('base64url')
}

export async function createFeed({ db, schoolId }: Tenant, principal: Principal, publicUrl: string) {
  if (!principal.memberId) throw forbidden('Calendar feeds belong to members')
  const secret = randomBytes(24).toString('base64url')
  const feed = await db.calendarFeed.create({ data: { schoolId, memberId: principal.memberId, secretHash: hash(secret) } })
  return { id: feed.id, url: `${publicUrl}/v1/calendar/${schoolId}/${feed.id}/${secret}.ics`, createdAt: feed.createdAt.toISOString(), revokedAt: null }
}

export async function listFeeds({ db, schoolId }: Tenant, principal: Principal) {
  if (!principal.memberId) throw forbidden('Calendar feeds belong to members')
  const feeds = await db.calendarFeed.findMany({ where: { schoolId, memberId: principal.memberId }, orderBy: { id: 'asc' }, take: 50 })
  return { items: feeds.map((feed) => ({ id: feed.id, createdAt: feed.createdAt.toISOString(), revokedAt: feed.revokedAt?.toISOString() ?? null })) }
}

export async function revokeFeed({ db, schoolId }: Tenant, principal: Principal, id: string, now: Date) {
  const feed = await db.calendarFeed.findFirst({ where: { schoolId, id, memberId: principal.memberId ?? undefined } })
  if (!feed || !principal.memberId) throw notFound('calendar feed')
  if (!feed.revokedAt) await db.calendarFeed.update({ where: { schoolId_id: { schoolId, id } }, data: { revokedAt: now } })
}

/** The feed behind a secret URL: every check fails the same way, 404, so a URL reveals nothing. */
export async function feedCalendar(database: Database, schoolId: string, feedId: string, secret: string, publicUrl: string, now: Date) {
  const school = await database.platform.school.findUnique({ where: { id: schoolId }, select: { status: true } })
  if (!school || school.status !== 'active') throw notFound('calendar feed')
  const { db } = database.forSchool(schoolId)
  const feed = await db.calendarFeed.findUnique({
    where: { schoolId_id: { schoolId, id: feedId } },
    include: { member: { select: { status: true } } },
  })
  const given = Buffer.from(hash(secret))
  if (!feed || feed.revokedAt || given.length !== Buffer.byteLength(feed.secretHash) || !timingSafeEqual(given, Buffer.from(feed.secretHash))) {
    throw notFound('calendar feed')
  }
  // A disabled member's feeds stop with their sign-in.
  if (feed.member.status !== 'active') throw notFound('calendar feed')
  const meetings = await db.meeting.findMany({
    where: {
      schoolId,
      studentId: feed.memberId,
      status: { in: ['scheduled', 'resume_sent', 'completed', 'thank_you_sent'] },
      endsAt: { gt: new Date(now.getTime() - 90 * 24 * 3_600_000) },
    },
    include: { contact: { select: { fullName: true, organization: true } } },
    orderBy: { startsAt: 'asc' },
    take: MAX_FEED_EVENTS,
  })
  const { timeZone } = await schoolOf(database, schoolId)
  return calendarOf('Vantage meetings', meetings, publicUrl, timeZone)
}
