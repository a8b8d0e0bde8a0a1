// Meetings: informational interviews and job shadows, from request to thank-you. Every transition
// runs in a transaction that first locks the meeting's row, so two transitions on one meeting are
// applied one after the other and the second is judged on the state the first left (409 if it no
// longer fits). A student's booked windows cannot overlap: checked here, and enforced by an
// exclusion constraint for concurrent bookings.
import type { Principal } from '../../infra/auth/principal.js'
import { type Tenant, type Transaction, tenantInTransaction } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound, invalidField } from '../../infra/http/problem.js'
import { Prisma, type Meeting as MeetingRow } from '../../generated/prisma/client.js'
import { studentScope, writingStudent, requestedStudentScope } from '../contacts/access.js'
import { createContact } from '../contacts/service.js'
import { hostRequestGate, lockMeetingHostRequest, syncHostBooking } from '../host-requests/booking.js'
import { checkList, checkQuestion, checkSubject, type PublicSource, type Topic } from '../questions/checker/index.js'
import type { SchoolSettings } from '../schools/settings.js'
import { checklistOf } from './checklist.js'
import { allowedTransitions, type MeetingStatus, nextStatus, PREPARABLE, type Transition } from './lifecycle.js'
import type {
  CloseMeetingBody,
  CompleteMeetingBody,
  CreateMeetingBody,
  MeetingBody,
  MeetingListQueryBody,
  PreparationBody,
  ResumeSentBody,
  ScheduleMeetingBody,
  ThankYouBody,
} from './schemas.js'
import { checkInside, checkWindow, parseWindow, type TimeWindow, type StoredWindow } from '../scheduling/windows.js'
import { jobAskWarnings, ranOverWarnings } from '../guide/job-ask.js'


/** The meetings table's columns under the names of the Prisma model, for statements written in SQL. */
export const MEETING_COLUMNS = Prisma.sql`school_id::text AS "schoolId", id::text AS id, student_id::text AS "studentId",
  contact_id::text AS "contactId", kind::text AS kind, status::text AS status, purpose, mode::text AS mode, location,
  proposed_slots AS "proposedSlots", starts_at AS "startsAt", ends_at AS "endsAt", debrief_starts_at AS "debriefStartsAt",
  debrief_ends_at AS "debriefEndsAt", itinerary, resume_sent_at AS "resumeSentAt", resume_note AS "resumeNote", homework,
  questions, notes, reflections, rating, asked_for_referrals AS "askedForReferrals", completed_at AS "completedAt", ended_at AS "endedAt",
  thank_you_due_at AS "thankYouDueAt", thank_you_sent_at AS "thankYouSentAt", thank_you_on_time AS "thankYouOnTime",
  closed_reason AS "closedReason", closed_at AS "closedAt", created_at AS "createdAt", updated_at AS "updatedAt"`
const CLOCK_SKEW_MS = 5 * 60_000
const HOUR = 3_600_000
const BOOKED: MeetingStatus[] = ['scheduled', 'resume_sent']
/** An actual end more than a day past the agreed one is taken for a mistake, not a long conversation. */
const MAX_OVERRUN_MINUTES = 24 * 60

interface StoredSegment extends StoredWindow {
  kind: 'observe' | 'conversation' | 'debrief' | 'other'
  title: string
}
interface StoredQuestion {
  text: string
  source: 'custom' | 'bank'
  questionId: string | null
  closed: boolean
  suggestion: string | null
  /** Stored since the checker read public sources and topics; older copies are read again. */
  publicSource?: PublicSource | null
  topic?: Topic
}

/** A question as the meeting keeps it: its text and what the checker found when it was saved. */
function questionCopy(text: string, source: 'custom' | 'bank', questionId: string | null): Required<StoredQuestion> {
  const check = checkQuestion(text)
  return { text: check.text, source, questionId, closed: check.closed, suggestion: check.suggestion, publicSource: check.publicSource, topic: check.topic }
}

/** The meeting's questions, those saved before the checker read public sources and topics read for them now. */
function storedQuestions(row: Pick<MeetingRow, 'questions'>): Array<Required<StoredQuestion>> {
  return (row.questions as unknown as StoredQuestion[]).map((q) =>
    q.topic !== undefined && q.publicSource !== undefined ? (q as Required<StoredQuestion>) : { ...q, ...checkSubject(q.text) },
  )
}

/** What the student's preparation still lacks: the guide's topics, closed and public questions, homework. */
function preparationOf(homework: string | null, questions: Array<Required<StoredQuestion>>): MeetingBody['preparation'] {
  const positions = (keep: (q: Required<StoredQuestion>) => boolean) => questions.flatMap((q, i) => (keep(q) ? [i] : []))
  return {
    homeworkDone: Boolean(homework?.trim()),
    questionCount: questions.length,
    ...checkList(questions),
    closedQuestions: positions((q) => q.closed),
    publicSourceQuestions: positions((q) => q.publicSource !== null),
  }
}

/**
 * When a held meeting actually ended: as recorded on completion; for a meeting completed before the
 * actual end was recorded, the agreed end (or the completion, when that came first).
 */
function actualEnd(row: Pick<MeetingRow, 'endedAt' | 'endsAt' | 'completedAt'>): Date | null {
  if (row.endedAt) return row.endedAt
  if (!row.completedAt || !row.endsAt) return null
  return row.completedAt < row.endsAt ? row.completedAt : row.endsAt
}

/** Whole minutes past the agreed end (any part of a minute counts); null until the meeting is held. */
function overrunMinutes(endsAt: Date | null, endedAt: Date | null): number | null {
  if (!endsAt || !endedAt) return null
  return Math.max(0, Math.ceil((endedAt.getTime() - endsAt.getTime()) / 60_000))
}

export function toMeeting(row: MeetingRow): MeetingBody {
  const iso = (date: Date | null) => date?.toISOString() ?? null
  const endedAt = actualEnd(row)
  const overrun = overrunMinutes(row.endsAt, endedAt)
  const questions = storedQuestions(row)
  return {
    id: row.id,
    studentId: row.studentId,
    contactId: row.contactId,
    kind: row.kind,
    status: row.status,
    purpose: row.purpose,
    mode: row.mode,
    location: row.location,
    proposedSlots: row.proposedSlots as unknown as StoredWindow[],
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    debrief: row.debriefStartsAt && row.debriefEndsAt ? { startsAt: row.debriefStartsAt.toISOString(), endsAt: row.debriefEndsAt.toISOString() } : null,
    itinerary: row.itinerary as unknown as StoredSegment[],
    resumeSentAt: iso(row.resumeSentAt),
    resumeNote: row.resumeNote,
    homework: row.homework,
    questions,
    preparation: preparationOf(row.homework, questions),
    notes: row.notes,
    reflections: row.reflections,
    rating: row.rating,
    askedForReferrals: row.askedForReferrals,
    completedAt: iso(row.completedAt),
    endedAt: iso(endedAt),
    overrunMinutes: overrun,
    thankYouDueAt: iso(row.thankYouDueAt),
    thankYouSentAt: iso(row.thankYouSentAt),
    thankYouOnTime: row.thankYouOnTime,
    closedReason: row.closedReason,
    closedAt: iso(row.closedAt),
    allowedTransitions: allowedTransitions(row.status),
    warnings: [...jobAskWarnings('purpose', row.purpose), ...ranOverWarnings(overrun)],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}


function notLaterThanNow(value: string | undefined, now: Date, field: string): Date {
  const when = value ? new Date(value) : now
  if (when.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField(field, 'must not be in the future')
  return when
}

/**
 * "Be flexible in arranging a meeting time and location": a request may propose times and leave the
 * place (or the video link) to the professional; once the meeting is scheduled, an in-person or video
 * meeting names it. A place given is never blank.
 */
function requireLocation(mode: string, location: string | null | undefined, field: string) {
  if ((mode === 'in_person' || mode === 'video') && !location?.trim()) {
    throw invalidField(field, mode === 'in_person' ? 'is required to schedule an in-person meeting (the place)' : 'is required to schedule a video meeting (the link)')
  }
}

function notBlank(location: string | undefined, field: string) {
  if (location !== undefined && !location.trim()) throw invalidField(field, 'must not be blank')
}

/** `settings` are the school's (schools/settings.ts), as the route read them from the instance's cache. */
export async function requestMeeting(tenant: Tenant, principal: Principal, input: CreateMeetingBody, now: Date, settings: SchoolSettings) {
  const studentId = writingStudent(principal)
  // The schema's minLength counts spaces; the purpose is stored trimmed, so a blank one is no purpose.
  const purpose = input.purpose.trim()
  if (!purpose) throw invalidField('body.purpose', 'must not be blank')
  const { db, schoolId } = tenant
  notBlank(input.location, 'body.location')
  input.proposedSlots.forEach((slot, index) => checkWindow(parseWindow(slot), input.kind, settings, now, `body.proposedSlots.${index}`))
  const proposedSlots = input.proposedSlots.map((slot) => {
    const window = parseWindow(slot)
    return { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString() }
  })
  // One statement: the row is written only when the contact is the student's own (a request is the
  // hottest write, and each round trip counts).
  const [row] = await db.$queryRaw<MeetingRow[]>`
    INSERT INTO meetings (school_id, id, student_id, contact_id, kind, purpose, mode, location, proposed_slots, updated_at)
    SELECT c.school_id, uuid_generate_v7(), c.student_id, c.id, ${input.kind}::meeting_kind, ${purpose}, ${input.mode}::meeting_mode,
           ${input.location ?? null}, ${JSON.stringify(proposedSlots)}::jsonb, now()
      FROM contacts c
     WHERE c.school_id = ${schoolId}::uuid AND c.id = ${input.contactId}::uuid AND c.student_id = ${studentId}::uuid
    RETURNING ${MEETING_COLUMNS}`
  if (!row) throw notFound('contact')
  return toMeeting(row)
}

export async function getMeeting({ db, schoolId }: Tenant, principal: Principal, id: string) {
  const studentId = studentScope(principal)
  const row = await db.meeting.findFirst({ where: { schoolId, id, ...(studentId ? { studentId } : {}) } })
  if (!row) throw notFound('meeting')
  return toMeeting(row)
}

/** The guide's seven steps for a meeting (checklist.ts); readable by whoever may read the meeting. */
export async function meetingChecklist(tenant: Tenant, principal: Principal, id: string, now: Date) {
  const meeting = await getMeeting(tenant, principal, id)
  const referrals = await tenant.db.referral.count({ where: { schoolId: tenant.schoolId, meetingId: id } })
  return checklistOf(meeting, referrals, now)
}

export async function listMeetings({ db, schoolId }: Tenant, principal: Principal, query: MeetingListQueryBody, now: Date) {
  const studentId = await requestedStudentScope({ db, schoolId }, principal, query.studentId)
  const after = decodeCursor(query.cursor, ['id'])
  const where: Prisma.MeetingWhereInput = {
    schoolId,
    ...(studentId ? { studentId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.contactId ? { contactId: query.contactId } : {}),
    ...(query.from ? { endsAt: { gt: new Date(query.from) } } : {}),
    ...(query.to ? { startsAt: { lt: new Date(query.to) } } : {}),
    ...(query.overdueThankYou ? { status: 'completed', thankYouSentAt: null, thankYouDueAt: { lt: now } } : {}),
    ...(after ? { id: { gt: after.id } } : {}),
  }
  if (query.overdueThankYou && query.status && query.status !== 'completed') return { items: [], nextCursor: null }
  const rows = await db.meeting.findMany({ where, orderBy: { id: 'asc' }, take: query.limit + 1 })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toMeeting), nextCursor: page.nextCursor }
}

/** Locks the student's meeting for the transaction; 404 for anyone else's. */
async function lockOwnMeeting(tx: Transaction, schoolId: string, studentId: string, id: string): Promise<MeetingRow> {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM meetings WHERE school_id = ${schoolId}::uuid AND id = ${id}::uuid AND student_id = ${studentId}::uuid FOR UPDATE`
  if (locked.length === 0) throw notFound('meeting')
  return tx.meeting.findUniqueOrThrow({ where: { schoolId_id: { schoolId, id } } })
}

async function transition(
  tenant: Tenant,
  principal: Principal,
  id: string,
  name: Transition,
  change: (meeting: MeetingRow, tx: Transaction) => Promise<Prisma.MeetingUpdateInput>,
) {
  const studentId = writingStudent(principal)
  try {
    const row = await tenant.db.$transaction(async (tx) => {
      const hostRequest = await lockMeetingHostRequest(tx, tenant.schoolId, id, studentId)
      const meeting = await lockOwnMeeting(tx, tenant.schoolId, studentId, id)
      const status = nextStatus(name, meeting.status)
      await hostRequestGate(tx, tenant.schoolId, hostRequest, name)
      const data = await change(meeting, tx)
      const updated = await tx.meeting.update({ where: { schoolId_id: { schoolId: tenant.schoolId, id } }, data: { ...data, status } })
      // Only an accepted request holds a booking for the host's ledger to follow.
      if (hostRequest?.status === 'accepted') await syncHostBooking(tx, tenant.schoolId, id)
      return updated
    })
    return toMeeting(row)
  } catch (error) {
    throw overlapAsConflict(error)
  }
}

function overlapAsConflict(error: unknown): unknown {
  const text = `${(error as Error)?.message ?? ''} ${JSON.stringify((error as { meta?: unknown })?.meta ?? '')}`
  if (/meetings_no_overlap|23P01/.test(text)) {
    return new Problem('conflict', 'The window overlaps another of your scheduled meetings')
  }
  return error
}

async function assertNoOverlap(tx: Transaction, schoolId: string, studentId: string, id: string, window: TimeWindow) {
  const clash = await tx.meeting.findFirst({
    where: { schoolId, studentId, id: { not: id }, status: { in: BOOKED }, startsAt: { lt: window.endsAt }, endsAt: { gt: window.startsAt } },
    select: { id: true },
  })
  if (clash) {
    throw new Problem('conflict', 'The window overlaps another of your scheduled meetings', { extensions: { overlappingMeetingId: clash.id } })
  }
}

export function scheduleMeeting(tenant: Tenant, principal: Principal, id: string, input: ScheduleMeetingBody, now: Date, settings: SchoolSettings) {
  return transition(tenant, principal, id, 'schedule', async (meeting, tx) => {
    const window = parseWindow(input)
    checkWindow(window, meeting.kind, settings, now, 'body')
    const mode = input.mode ?? meeting.mode
    const location = input.location ?? meeting.location
    requireLocation(mode, location, 'body.location')
    if ((input.debrief || input.itinerary?.length) && meeting.kind !== 'job_shadow') {
      throw invalidField(input.debrief ? 'body.debrief' : 'body.itinerary', 'belongs to job shadows only')
    }
    const debrief = input.debrief ? parseWindow(input.debrief) : null
    if (debrief) checkInside(debrief, window, 'body.debrief')
    const itinerary = (input.itinerary ?? []).map((segment, index) => {
      const span = parseWindow(segment)
      checkInside(span, window, `body.itinerary.${index}`)
      return { kind: segment.kind, title: segment.title, startsAt: span.startsAt.toISOString(), endsAt: span.endsAt.toISOString() }
    })
    await assertNoOverlap(tx, tenant.schoolId, meeting.studentId, meeting.id, window)
    return {
      startsAt: window.startsAt,
      endsAt: window.endsAt,
      mode,
      location,
      debriefStartsAt: debrief?.startsAt ?? null,
      debriefEndsAt: debrief?.endsAt ?? null,
      itinerary,
      // Due a fixed time after the meeting ends; moved with it when rescheduled.
      thankYouDueAt: new Date(window.endsAt.getTime() + settings.thankYouWindowHours * HOUR),
    }
  })
}

export function recordResumeSent(tenant: Tenant, principal: Principal, id: string, input: ResumeSentBody, now: Date) {
  return transition(tenant, principal, id, 'resume-sent', async (meeting) => {
    const sentAt = notLaterThanNow(input.sentAt, now, 'body.sentAt')
    // The guide's step: the résumé goes ahead of the meeting, for information only.
    if (sentAt >= meeting.startsAt!) {
      if (input.sentAt) throw invalidField('body.sentAt', 'must be before the meeting starts: a résumé is sent ahead of the meeting')
      throw new Problem('conflict', 'A résumé is sent ahead of the meeting, and this one has started; if yours went out before, give sentAt', {
        extensions: { startsAt: meeting.startsAt!.toISOString() },
      })
    }
    const when = meeting.startsAt!.toISOString().replace('T', ' ').slice(0, 16)
    return {
      resumeSentAt: sentAt,
      resumeNote: input.note ?? `Résumé sent for information only, ahead of our conversation on ${when} UTC: thank you for your time.`,
    }
  })
}

export async function prepareMeeting(tenant: Tenant, principal: Principal, id: string, input: PreparationBody) {
  const studentId = writingStudent(principal)
  const row = await tenant.db.$transaction(async (tx) => {
    const meeting = await lockOwnMeeting(tx, tenant.schoolId, studentId, id)
    if (!PREPARABLE.includes(meeting.status)) {
      throw new Problem('conflict', `A meeting that is ${meeting.status} can no longer be prepared`, {
        extensions: { currentStatus: meeting.status, allowedTransitions: allowedTransitions(meeting.status) },
      })
    }
    // Each list given replaces that part of the meeting's questions; the meeting keeps copies of the
    // texts, so later edits to the bank do not change what was asked.
    const current = storedQuestions(meeting)
    let bank = current.filter((question) => question.source === 'bank')
    if (input.questionIds) {
      const rows = await tx.question.findMany({ where: { schoolId: tenant.schoolId, id: { in: input.questionIds }, archived: false } })
      const missing = input.questionIds.findIndex((questionId) => !rows.some((row) => row.id === questionId))
      if (missing >= 0) throw notFound(`question (questionIds.${missing})`)
      bank = input.questionIds.map((questionId) => questionCopy(rows.find((row) => row.id === questionId)!.text, 'bank', questionId))
    }
    const custom = input.customQuestions
      ? input.customQuestions.map((text) => questionCopy(text, 'custom', null))
      : current.filter((question) => question.source === 'custom')
    const questions = input.questionIds || input.customQuestions ? [...bank, ...custom] : undefined
    // Validation coerces types (coerceTypes: 'array'), and the string branch of `string | null` comes
    // first, so a JSON null arrives here as "": blank homework is no homework, stored as null.
    const homework = input.homework === undefined ? undefined : input.homework?.trim() ? input.homework : null
    return tx.meeting.update({
      where: { schoolId_id: { schoolId: tenant.schoolId, id } },
      data: { ...(homework !== undefined ? { homework } : {}), ...(questions ? { questions: questions as unknown as Prisma.InputJsonArray } : {}) },
    })
  })
  return toMeeting(row)
}

export function completeMeeting(tenant: Tenant, principal: Principal, id: string, input: CompleteMeetingBody, now: Date, settings: SchoolSettings) {
  return transition(tenant, principal, id, 'complete', async (meeting, tx) => {
    if (meeting.startsAt! > now) throw new Problem('conflict', 'A meeting can be completed once it has started', { extensions: { startsAt: meeting.startsAt!.toISOString() } })
    const endedAt = heldUntil(meeting, input.endedAt, now)
    const scoped = tenantInTransaction(tenant.schoolId, tx)
    for (const [index, referral] of (input.referrals ?? []).entries()) {
      let referredContactId: string
      if ('contactId' in referral.referred) {
        const contact = await tx.contact.findFirst({ where: { schoolId: tenant.schoolId, id: referral.referred.contactId, studentId: meeting.studentId }, select: { id: true } })
        if (!contact) throw notFound(`contact (referrals.${index})`)
        if (contact.id === meeting.contactId) throw invalidField(`body.referrals.${index}.referred`, 'must be someone other than the person you met')
        referredContactId = contact.id
      } else {
        referredContactId = (await createContact(scoped, principal, { ...referral.referred.contact, source: 'referral' })).id
      }
      await tx.referral.create({
        data: { schoolId: tenant.schoolId, studentId: meeting.studentId, referrerContactId: meeting.contactId, referredContactId, meetingId: meeting.id, note: referral.note ?? null },
      })
    }
    // Whoever referred this contact to the student now has a referral that led to a meeting.
    await tx.referral.updateMany({
      where: { schoolId: tenant.schoolId, studentId: meeting.studentId, referredContactId: meeting.contactId, status: { in: ['suggested', 'contacted'] } },
      data: { status: 'met' },
    })
    return {
      completedAt: now,
      endedAt,
      // The thank-you is due a fixed time after the meeting actually ended.
      thankYouDueAt: new Date(endedAt.getTime() + settings.thankYouWindowHours * HOUR),
      notes: input.notes ?? null,
      reflections: input.reflections ?? null,
      rating: input.rating,
      askedForReferrals: input.askedForReferrals,
    }
  })
}

/**
 * The actual end of a meeting being completed: the one given (after the start, not in the future),
 * else the agreed end, which must have passed: completing a meeting that has not ended needs its
 * actual end.
 */
function heldUntil(meeting: MeetingRow, given: string | undefined, now: Date): Date {
  if (given) {
    const endedAt = notLaterThanNow(given, now, 'body.endedAt')
    if (endedAt <= meeting.startsAt!) throw invalidField('body.endedAt', 'must be after the meeting started')
    if (endedAt.getTime() > meeting.endsAt!.getTime() + MAX_OVERRUN_MINUTES * 60_000) throw invalidField('body.endedAt', 'must be within a day of the agreed end')
    return endedAt
  }
  if (meeting.endsAt! > now) {
    throw new Problem('conflict', 'This meeting has not reached its agreed end; if it ended early, give endedAt', {
      extensions: { startsAt: meeting.startsAt!.toISOString(), endsAt: meeting.endsAt!.toISOString() },
    })
  }
  return meeting.endsAt!
}

export function recordThankYou(tenant: Tenant, principal: Principal, id: string, input: ThankYouBody, now: Date) {
  return transition(tenant, principal, id, 'thank-you', async (meeting) => {
    const sentAt = notLaterThanNow(input.sentAt, now, 'body.sentAt')
    const ended = actualEnd(meeting)!
    if (sentAt < ended) {
      if (input.sentAt) throw invalidField('body.sentAt', 'must not be before the meeting ended')
      throw new Problem('conflict', 'A thank-you follows the meeting, which ended later than now', { extensions: { endedAt: ended.toISOString() } })
    }
    return { thankYouSentAt: sentAt, thankYouOnTime: sentAt <= meeting.thankYouDueAt! }
  })
}

export function closeMeeting(
  tenant: Tenant,
  principal: Principal,
  id: string,
  name: 'decline' | 'cancel' | 'no-show',
  input: CloseMeetingBody,
  now: Date,
) {
  return transition(tenant, principal, id, name, async (meeting) => {
    if (name === 'no-show' && meeting.startsAt! > now) {
      throw new Problem('conflict', 'A no-show can be recorded once the meeting was due to start', { extensions: { startsAt: meeting.startsAt!.toISOString() } })
    }
    return { closedReason: input.reason ?? null, closedAt: now }
  })
}
