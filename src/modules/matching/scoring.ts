// How well a host fits a student's goal: a score in [0, 1] with the reasons behind it. One function,
// used by the suggestions for one student and by cohort assignment, so an advisor sees the same
// reasons in both. The weights and why they are what they are: docs/hosts-and-matching.md, "How a host is scored".
//
// Components, each in [0, 1], only counted when they apply:
// - field: the goal's field (or, without one, any of the student's fields of interest) is among
//   the host's industries or occupations; applies when there is a field to compare;
// - organization: the host works at the organization the student named; applies when one is named;
// - background: background tags shared by student and host (1 for two or more, 0.5 for one);
//   applies only when the student shares their tags and has some;
// - capacity: the share of the host's meetings for the month still free;
// - responsiveness: (answered + 1) / (answered + expired + 2): a new host starts at 0.5, and one
//   who lets requests expire sinks.
// score = Σ weight·component / Σ weight over the components that apply, rounded to 3 decimals.
import type { MatchingWeights } from '../schools/settings.js'

export type ReasonCode =
  | 'shared_field'
  | 'shared_background'
  | 'knows_organization'
  | 'available'
  | 'capacity_left'
  | 'responsive'
  | 'preference'
  | 'pinned'

export interface Reason {
  code: ReasonCode
  text: string
}

export interface StudentFacts {
  fieldsOfInterest: string[]
  backgroundTags: string[]
  shareBackgroundTags: boolean
}

/** What scoring reads of a host (meetingsLeft: maxMeetingsPerMonth minus what the month has booked, computed once when read). */
export interface HostFacts {
  organization: string
  industries: string[]
  occupations: string[]
  backgroundTags: string[]
  answeredCount: number
  expiredCount: number
  meetingsLeft: number
  maxMeetingsPerMonth: number
}

export interface Goal {
  field?: string | undefined
  organization?: string | undefined
}

export interface Fit {
  score: number
  reasons: Reason[]
}

const fold = (text: string) => text.trim().toLowerCase()

/** Folded fields per host, kept while the host's arrays live (suggestions score cached rows repeatedly). */
const fieldsByIndustries = new WeakMap<string[], { occupations: string[]; fields: Map<string, string> }>()

/** The fields a host works in, matched case-insensitively. */
export function hostFields(host: Pick<HostFacts, 'industries' | 'occupations'>): Map<string, string> {
  const known = fieldsByIndustries.get(host.industries)
  if (known && known.occupations === host.occupations) return known.fields
  const fields = new Map<string, string>()
  for (const field of [...host.industries, ...host.occupations]) fields.set(fold(field), field)
  fieldsByIndustries.set(host.industries, { occupations: host.occupations, fields })
  return fields
}

/** A host's folded organization and tag set, kept while the host object lives (cached candidate rows). */
const hostKeys = new WeakMap<object, { organization: string; tags: Set<string> }>()

function keysOf(host: Pick<HostFacts, 'organization' | 'backgroundTags'>) {
  let keys = hostKeys.get(host)
  if (!keys) {
    keys = { organization: fold(host.organization), tags: new Set(host.backgroundTags) }
    hostKeys.set(host, keys)
  }
  return keys
}

/** The student's fields a host works in (the goal's field alone when the goal names one). */
export function sharedFields(student: StudentFacts, goal: Goal, host: Pick<HostFacts, 'industries' | 'occupations'>): string[] {
  const wanted = goal.field ? [goal.field] : student.fieldsOfInterest
  const fields = hostFields(host)
  return wanted.filter((field) => fields.has(fold(field))).map((field) => fields.get(fold(field))!)
}

/** The fit of a host; `withReasons: false` skips writing the reasons (ranking many hosts). */
export function scoreFit(student: StudentFacts, goal: Goal, host: HostFacts, weights: MatchingWeights, withReasons = true): Fit {
  const reasons: Reason[] = []
  let total = 0
  let weightSum = 0

  const wantsField = goal.field ? 1 : student.fieldsOfInterest.length
  const keys = keysOf(host)
  if (wantsField) {
    const shared = withReasons ? sharedFields(student, goal, host) : (goal.field ? [goal.field] : student.fieldsOfInterest).filter((field) => hostFields(host).has(fold(field)))
    total += weights.field * (shared.length ? 1 : 0)
    weightSum += weights.field
    if (withReasons && shared.length) reasons.push({ code: 'shared_field', text: `Works in ${shared.join(', ')}, ${shared.length === 1 ? 'a field' : 'fields'} you are exploring` })
  }

  if (goal.organization) {
    const knows = keys.organization === fold(goal.organization)
    total += weights.organization * (knows ? 1 : 0)
    weightSum += weights.organization
    if (withReasons && knows) reasons.push({ code: 'knows_organization', text: `Works at ${host.organization}` })
  }

  if (student.shareBackgroundTags && student.backgroundTags.length) {
    const shared = student.backgroundTags.filter((tag) => keys.tags.has(tag))
    total += weights.background * (Math.min(shared.length, 2) / 2)
    weightSum += weights.background
    if (withReasons && shared.length) reasons.push({ code: 'shared_background', text: `Shares your background: ${shared.join(', ')}` })
  }

  const capacity = host.maxMeetingsPerMonth > 0 ? Math.max(0, host.meetingsLeft) / host.maxMeetingsPerMonth : 0
  total += weights.capacity * capacity
  weightSum += weights.capacity
  if (withReasons && host.meetingsLeft > 0) {
    reasons.push({ code: 'capacity_left', text: `Has ${host.meetingsLeft} of ${host.maxMeetingsPerMonth} meetings left that month` })
  }

  const decided = host.answeredCount + host.expiredCount
  total += weights.responsiveness * ((host.answeredCount + 1) / (decided + 2))
  weightSum += weights.responsiveness
  if (withReasons) {
    reasons.push({
      code: 'responsive',
      text: decided === 0 ? 'New host: no requests answered or expired yet' : `Answered ${host.answeredCount} of ${decided} requests`,
    })
  }

  // Float noise first (0.55 / 0.8 computes as 0.68749999…), then thousandths, so an exact half rounds up.
  const score = weightSum > 0 ? Math.round(Math.round((total / weightSum) * 1e9) / 1e6) / 1000 : 0
  return { score, reasons }
}
