// The meeting lifecycle of the product: requested → scheduled → résumé sent → completed → thank-you
// sent, or declined, cancelled, no-show. Each transition is its own endpoint; this table is the only
// place that says which is allowed from where.
import { Problem } from '../../infra/http/problem.js'

export type MeetingStatus = 'requested' | 'scheduled' | 'resume_sent' | 'completed' | 'thank_you_sent' | 'declined' | 'cancelled' | 'no_show'

/** For each transition: the statuses it may start from, and the status it leads to from each. */
export const TRANSITIONS = {
  // From scheduled or résumé sent, scheduling again moves the window (a reschedule) and keeps the status.
  schedule: { requested: 'scheduled', scheduled: 'scheduled', resume_sent: 'resume_sent' },
  'resume-sent': { scheduled: 'resume_sent' },
  complete: { scheduled: 'completed', resume_sent: 'completed' },
  'thank-you': { completed: 'thank_you_sent' },
  decline: { requested: 'declined' },
  cancel: { requested: 'cancelled', scheduled: 'cancelled', resume_sent: 'cancelled' },
  'no-show': { scheduled: 'no_show', resume_sent: 'no_show' },
} as const satisfies Record<string, Partial<Record<MeetingStatus, MeetingStatus>>>

export type Transition = keyof typeof TRANSITIONS

/** Preparation (homework, questions) is open until the meeting has happened or closed. */
export const PREPARABLE: readonly MeetingStatus[] = ['requested', 'scheduled', 'resume_sent']

function target(transition: Transition, current: MeetingStatus): MeetingStatus | undefined {
  return (TRANSITIONS[transition] as Partial<Record<MeetingStatus, MeetingStatus>>)[current]
}

export function allowedTransitions(status: MeetingStatus): Transition[] {
  return (Object.keys(TRANSITIONS) as Transition[]).filter((name) => target(name, status) !== undefined)
}

export function nextStatus(transition: Transition, current: MeetingStatus): MeetingStatus {
  const next = target(transition, current)
  if (!next) {
    const allowed = allowedTransitions(current)
    throw new Problem(
      'conflict',
      `A meeting that is ${current} cannot ${transition}; ${allowed.length ? `it can: ${allowed.join(', ')}` : 'it is closed'}`,
      { extensions: { currentStatus: current, allowedTransitions: allowed } },
    )
  }
  return next
}
