// The guide's seven steps of an informational interview or a job shadow, per meeting, as one checklist
// a portal can show: each step done, due (with its deadline when it has one), upcoming, missed or not
// applicable, derived from what the student already records. Nothing here is stored.
//
//  1 arrange     Arrange the logistics, saying it is for information only, not a job: done once the
//                meeting has its time (and its purpose does not read as asking for a job).
//  2 resume      Send your résumé in advance, for information only: due before the start.
//  3 homework    Do your homework on the person, the organization and the field: due before the start.
//  4 questions   Restate your purpose and bring open questions prepared in advance: due before the
//                start; done once the list has open questions and none closed or answerable from a
//                website. Not applicable to a job shadow planned as observation only (no conversation
//                or debrief in its itinerary).
//  5 listen      Listen (or, shadowing, observe) and note what you learn: due once the meeting is held,
//                done when notes or reflections are recorded.
//  6 time        Respect the agreed time: done when the meeting ended on time, missed when it ran over.
//  7 follow-up   Ask for further contacts, and send a thank-you within 24 hours of the end: done when a
//                referral names this meeting and the thank-you is recorded; missed when the thank-you
//                deadline passed without one. The reminders announce it (thank_you.due_soon,
//                thank_you.overdue), as meeting.preparation_due announces steps 2-4 before the start.
//
// A meeting that did not take place (declined, cancelled, no-show) leaves its open steps not applicable.
import { type MeetingBody, STEP_NAMES, STEP_STATES } from './schemas.js'

type StepName = (typeof STEP_NAMES)[number]
type StepState = (typeof STEP_STATES)[number]

export interface Step {
  step: StepName
  number: number
  title: string
  state: StepState
  /** When a due step must be done by, if it has a deadline. */
  dueAt: string | null
  /** What the student's records say about it, and what to do next. */
  detail: string
}

export interface Checklist {
  meetingId: string
  kind: MeetingBody['kind']
  status: MeetingBody['status']
  steps: Step[]
  /** The first step due, or null. */
  next: StepName | null
  counts: Record<StepState, number>
}

const TITLES: Record<StepName, string> = {
  arrange: 'Arrange the meeting, saying you seek information, not a job',
  resume: 'Send your résumé in advance, for information only',
  homework: 'Do your homework on the person, the organization and the field',
  questions: 'Restate your purpose and bring open questions prepared in advance',
  listen: 'Listen, and note what you learn',
  time: 'Respect the agreed time',
  'follow-up': 'Ask who else to talk to, and send a thank-you within 24 hours',
}

const CLOSED = new Set(['declined', 'cancelled', 'no_show'])

/** The checklist of a meeting as the service answers it, with the number of referrals naming it. */
export function checklistOf(meeting: MeetingBody, referrals: number, now: Date): Checklist {
  const started = meeting.startsAt !== null && Date.parse(meeting.startsAt) <= now.getTime()
  const held = meeting.completedAt !== null
  const beforeStart = (done: boolean, doneDetail: string, dueDetail: string): [StepState, string, string | null] =>
    done ? ['done', doneDetail, null] : started || held ? ['missed', `Not recorded before the meeting. ${dueDetail}`, null] : ['due', dueDetail, meeting.startsAt]
  const shadow = meeting.kind === 'job_shadow'
  const conversation = !shadow || meeting.debrief !== null || meeting.itinerary.length === 0 || meeting.itinerary.some((s) => s.kind === 'conversation' || s.kind === 'debrief')
  const prep = meeting.preparation
  const jobAsk = meeting.warnings.some((w) => w.code === 'job-ask')

  const rows: Record<StepName, [StepState, string, string | null]> = {
    arrange:
      meeting.startsAt !== null
        ? ['done', `Agreed for ${meeting.startsAt}${meeting.location ? ` (${meeting.location})` : ''}.${jobAsk ? ' Your purpose reads as asking for a job: say you seek information only.' : ''}`, null]
        : ['due', `Agree a time${meeting.mode === 'phone' ? '' : ' and place'} with the professional, and say you are seeking information, not a job.${jobAsk ? ' Your purpose reads as asking for a job.' : ''}`, meeting.proposedSlots[0]?.startsAt ?? null],
    resume: beforeStart(meeting.resumeSentAt !== null, `Sent ${meeting.resumeSentAt}.`, 'Send your résumé ahead of the meeting, saying it is for information only.'),
    homework: beforeStart(prep.homeworkDone, 'Homework notes recorded.', 'Read about the person, the organization and the field, and keep your notes with the meeting.'),
    questions: !conversation
      ? ['not_applicable', 'This shadow is planned as observation only; ask your questions if a conversation comes up.', null]
      : questionsStep(prep, started || held, meeting.startsAt),
    listen: held
      ? meeting.notes?.trim() || meeting.reflections?.trim()
        ? ['done', 'Notes recorded.', null]
        : ['due', `Record what you ${shadow ? 'observed' : 'heard'} while it is fresh.`, null]
      : ['upcoming', shadow ? 'Observe, listen, and keep notes of what you learn.' : 'Listen more than you talk, and keep notes of what you learn.', null],
    time: held
      ? meeting.overrunMinutes
        ? ['missed', `Ran ${meeting.overrunMinutes} minute${meeting.overrunMinutes === 1 ? '' : 's'} past the agreed end.`, null]
        : ['done', 'Ended on time.', null]
      : ['upcoming', meeting.endsAt ? `Offer to stop at ${meeting.endsAt}, and stay longer only if invited.` : 'Keep to the time you agree.', null],
    'follow-up': followUpStep(meeting, referrals, held, now),
  }

  const steps = STEP_NAMES.map((step, i): Step => {
    let [state, detail, dueAt] = rows[step]
    if (CLOSED.has(meeting.status) && state !== 'done') [state, detail, dueAt] = ['not_applicable', `The meeting is ${meeting.status.replace('_', '-')}.`, null]
    return { step, number: i + 1, title: TITLES[step], state, dueAt: state === 'due' ? dueAt : null, detail }
  })
  const counts = Object.fromEntries(STEP_STATES.map((s) => [s, steps.filter((step) => step.state === s).length])) as Record<StepState, number>
  return { meetingId: meeting.id, kind: meeting.kind, status: meeting.status, steps, next: steps.find((s) => s.state === 'due')?.step ?? null, counts }
}

function questionsStep(prep: MeetingBody['preparation'], past: boolean, startsAt: string | null): [StepState, string, string | null] {
  const lacking = [
    prep.closedQuestions.length ? `${prep.closedQuestions.length} closed (yes/no)` : '',
    prep.publicSourceQuestions.length ? `${prep.publicSourceQuestions.length} answerable from a website` : '',
  ].filter(Boolean)
  const topics = prep.topicsMissing.length ? ` Topics not yet covered: ${prep.topicsMissing.join(', ')}.` : ''
  if (past) return prep.questionCount ? ['done', `${prep.questionCount} questions prepared.`, null] : ['missed', 'No questions were prepared before the meeting.', null]
  if (!prep.questionCount) return ['due', `Prepare open questions (the question bank has some for each topic) and restate your purpose when you begin.${topics}`, startsAt]
  if (lacking.length) return ['due', `Rephrase ${lacking.join(' and ')} (see each question's suggestion).${topics}`, startsAt]
  return ['done', `${prep.questionCount} open questions prepared.${topics}`, null]
}

function followUpStep(meeting: MeetingBody, referrals: number, held: boolean, now: Date): [StepState, string, string | null] {
  if (!held) return ['upcoming', 'At the end, ask who else you could talk to; send a thank-you within 24 hours.', null]
  const asked = referrals > 0 ? `${referrals} referral${referrals === 1 ? '' : 's'} from this meeting recorded.` : 'No referral from this meeting yet: ask who else you could talk to, and record whom they suggest.'
  if (meeting.thankYouSentAt) {
    if (meeting.thankYouOnTime === false) return ['missed', `The thank-you went out ${meeting.thankYouSentAt}, after its deadline (${meeting.thankYouDueAt}). ${asked}`, null]
    const thanks = `Thank-you sent ${meeting.thankYouSentAt}.`
    return referrals > 0 ? ['done', `${asked} ${thanks}`, null] : ['due', `${thanks} ${asked}`, null]
  }
  const due = meeting.thankYouDueAt
  if (due && Date.parse(due) < now.getTime()) return ['missed', `The thank-you was due by ${due}. Send it anyway. ${asked}`, null]
  return ['due', `Send your thank-you by ${due}. ${asked}`, due]
}
