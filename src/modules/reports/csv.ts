// CSV exports of the drill-down lists: the same pages as GraphQL, read in pages of EXPORT_PAGE rows
// and streamed, with the same columns an advisor sees in the dashboard. Text that a spreadsheet
// would run as a formula (starting with = + - @, tab or carriage return) is prefixed with a quote
// (OWASP's CSV injection advice); a UTF-8 byte-order mark lets Excel read accented names.
import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import {
  contactsById, hostActivity, hostsById, hostsPage, meetingsPage, membersById, overdueThankYousPage, type Page, type ReportMeeting, studentActivity,
  studentsPage, waitingRequestsPage,
} from './lists.js'
import { Problem } from '../../infra/http/problem.js'
import { displayName } from '../members/display.js'
import type { ReportScope } from './scope.js'

export const REPORT_LISTS = ['students', 'meetings', 'hosts', 'overdue-thank-yous', 'waiting-requests'] as const
export type ReportList = (typeof REPORT_LISTS)[number]

/** Rows per database page while exporting. */
export const EXPORT_PAGE = 500
/** Most rows one export holds (a spreadsheet's comfortable size); a longer list must be narrowed first. */

type Cell = string | number | boolean | Date | null | undefined
type Rows = (scope: ReportScope, after: string | undefined, only: ListOptions) => Promise<{ rows: Cell[][]; nextCursor: string | null; total: number }>

export interface ListOptions {
  status?: string
  kind?: string
}

const name = (member: { givenName: string | null; familyName: string | null } | undefined) => (member ? displayName(member) : null)
const hours = (from: Date, to: Date) => Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10

const MEETING_HEADER = ['meeting id', 'kind', 'status', 'mode', 'requested at', 'starts at', 'ends at', 'completed at', 'thank-you due at',
  'thank-you sent at', 'thank-you on time', 'student id', 'student', 'student email', 'contact id', 'contact', 'organization', 'industry', 'contact source']

async function meetingRows(scope: ReportScope, page: Page<ReportMeeting>, extra: (meeting: ReportMeeting) => Cell[] = () => []) {
  const [students, contacts] = await Promise.all([
    membersById(scope, [...new Set(page.items.map((meeting) => meeting.studentId))]),
    contactsById(scope, [...new Set(page.items.map((meeting) => meeting.contactId))]),
  ])
  return page.items.map((meeting) => {
    const student = students.get(meeting.studentId)
    const contact = contacts.get(meeting.contactId)
    return [meeting.id, meeting.kind, meeting.status, meeting.mode, meeting.createdAt, meeting.startsAt, meeting.endsAt, meeting.completedAt,
      meeting.thankYouDueAt, meeting.thankYouSentAt, meeting.thankYouOnTime, meeting.studentId, name(student), student?.email,
      meeting.contactId, contact?.fullName, contact?.organization, contact?.industry, contact?.source, ...extra(meeting)]
  })
}

const LISTS: Record<ReportList, { header: string[]; rows: Rows }> = {
  students: {
    header: ['student id', 'external id', 'given name', 'family name', 'email', 'major', 'graduation year', 'fields of interest',
      'meetings requested', 'meetings completed', 'thank-you notes sent', 'thank-you notes on time', 'people met', 'organizations met',
      'industries met', 'referrals received', 'last completed at'],
    async rows(scope, after) {
      const page = await studentsPage(scope, EXPORT_PAGE, after)
      const activity = await studentActivity(scope, page.items.map((student) => student.id))
      return {
        nextCursor: page.nextCursor,
        total: page.total,
        rows: page.items.map((student) => {
          const a = activity.get(student.id)!
          return [student.id, student.externalId, student.givenName, student.familyName, student.email, student.major, student.graduationYear,
            student.fieldsOfInterest.join('; '), a.meetingsRequested, a.meetingsCompleted, a.thankYouSent, a.thankYouOnTime, a.peopleMet,
            a.organizationsMet, a.industriesMet, a.referralsReceived, a.lastCompletedAt]
        }),
      }
    },
  },
  meetings: {
    header: MEETING_HEADER,
    async rows(scope, after, only) {
      const page = await meetingsPage(scope, EXPORT_PAGE, after, only)
      return { nextCursor: page.nextCursor, total: page.total, rows: await meetingRows(scope, page) }
    },
  },
  'overdue-thank-yous': {
    header: [...MEETING_HEADER, 'hours overdue'],
    async rows(scope, after) {
      const page = await overdueThankYousPage(scope, EXPORT_PAGE, after)
      return { nextCursor: page.nextCursor, total: page.total, rows: await meetingRows(scope, page, (meeting) => [hours(meeting.thankYouDueAt!, scope.now)]) }
    },
  },
  'waiting-requests': {
    header: ['request id', 'kind', 'requested at', 'expires at', 'hours waiting', 'student id', 'student', 'student email', 'host id', 'host',
      'host organization'],
    async rows(scope, after) {
      const page = await waitingRequestsPage(scope, EXPORT_PAGE, after)
      const [students, hosts] = await Promise.all([
        membersById(scope, [...new Set(page.items.map((request) => request.studentId))]),
        hostsById(scope, [...new Set(page.items.map((request) => request.hostId))]),
      ])
      return {
        nextCursor: page.nextCursor,
        total: page.total,
        rows: page.items.map((request) => [request.id, request.kind, request.createdAt, request.expiresAt, hours(request.createdAt, scope.now),
          request.studentId, name(students.get(request.studentId)), students.get(request.studentId)?.email, request.hostId,
          name(hosts.get(request.hostId)), hosts.get(request.hostId)?.organization]),
      }
    },
  },
  hosts: {
    header: ['host id', 'given name', 'family name', 'email', 'organization', 'title', 'industries', 'accepting', 'meetings per month',
      'requests received', 'accepted', 'declined', 'expired', 'withdrawn', 'pending', 'acceptance rate', 'median response hours', 'booked', 'capacity',
      'utilization'],
    async rows(scope, after) {
      const page = await hostsPage(scope, EXPORT_PAGE, after)
      const activity = await hostActivity(scope, page.items.map((host) => host.id))
      return {
        nextCursor: page.nextCursor,
        total: page.total,
        rows: page.items.map((host) => {
          const a = activity.get(host.id)!
          return [host.id, host.givenName, host.familyName, host.email, host.organization, host.title, host.industries.join('; '), host.accepting,
            host.maxMeetingsPerMonth, a.requestsReceived, a.accepted, a.declined, a.expired, a.withdrawn, a.pending, a.acceptanceRate, a.medianResponseHours,
            a.booked, a.capacity, a.utilization]
        }),
      }
    },
  },
}

const FORMULA = /^[=+\-@\t\r]/

/** A cell as text: instants in ISO 8601 UTC, booleans as true/false, empty for null. */
function cellText(value: Cell): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return FORMULA.test(value) ? `'${value}` : value
  return String(value)
}

/**
 * The whole list as a CSV stream. The first page is read before anything is sent, so a bad cursor
 * or a database error still answers with a problem, and so does a list longer than `maxRows`;
 * later pages stream as the client reads.
 */
/** The columns that hold member ids: the members whose data an export carries. */
const MEMBER_ID_COLUMNS = new Set(['student id', 'host id'])

/** The list as CSV; `disclosed` is told the member ids of each page as it is written (for the audit log). */
export async function exportList(scope: ReportScope, list: ReportList, only: ListOptions, maxRows: number, disclosed: (memberIds: string[]) => void = () => {}): Promise<Readable> {
  const { header, rows } = LISTS[list]
  const idColumns = header.flatMap((title, index) => (MEMBER_ID_COLUMNS.has(title) ? [index] : []))
  const first = await rows(scope, undefined, only)
  if (first.total > maxRows) {
    throw new Problem('validation-failed', `This export would hold ${first.total} rows, more than ${maxRows}; narrow the range or the filter`, {
      extensions: { rows: first.total, limit: maxRows },
    })
  }
  async function* lines() {
    yield header
    let page = first
    for (;;) {
      disclosed(page.rows.flatMap((row) => idColumns.map((index) => String(row[index]))))
      for (const row of page.rows) yield row.map(cellText)
      if (!page.nextCursor) return
      page = await rows(scope, page.nextCursor, only)
    }
  }
  return Readable.from(lines()).pipe(stringify({ bom: true, record_delimiter: 'windows' }))
}
