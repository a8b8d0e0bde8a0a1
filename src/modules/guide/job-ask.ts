// The guide's warnings about what a student wrote or did (and, for ran-over, how a meeting went).
//
// "Be clear that you are seeking information only (not a job)." A request's purpose or an outreach
// message that asks for a job, an internship or a referral to a position is accepted, with a warning
// that says why the guide advises against it; the warning is part of the meeting or outreach as the
// student and advisors read it (computed from the stored text, so it follows every edit).
//
// Written here rather than taken from a library: this is the guide's own advice, and what counts as
// asking for a job is a short list of phrasings. What it reads:
// - an ask: "hire me", "employ me", "work for you", "refer me for a role", "apply for a position",
//   "looking for a job / an internship", "any openings", "job opening", "open positions";
// - unless negated just before ("not looking for a job", "not to ask for a job", "no job requests"),
//   which is how students write the guide's own advice into their purpose.
// Talking about the professional's job ("what your job is like") is not an ask.
import { Type } from 'typebox'

export interface Warning {
  code: 'job-ask' | 'ran-over'
  field: string
  message: string
}

export const JOB_ASK_MESSAGE =
  'This reads as asking for a job, an internship or a referral to a position. The guide advises making clear that you ' +
  'are seeking information only, not a job: a professional who senses a job request may decline or answer guardedly, ' +
  'and the conversation loses what it is for. Ask about their path and their work instead; opportunities, if any, ' +
  'tend to follow from a good conversation.'

const POSITION = String.raw`(?:jobs?|internships?|positions?|roles?|openings?|vacanc(?:y|ies)|placements?|employment|work)`
const ASKS = [
  String.raw`\b(?:hire|employ|recruit)\s+me\b`,
  String.raw`\bhiring\s+me\b`,
  String.raw`\bwork\s+(?:for|with)\s+you(?:r\s+(?:company|team|organi[sz]ation|firm|group))?\b`,
  String.raw`\b(?:refer|recommend|put)\s+me\s+(?:in\s+)?(?:for|to)\s+(?:a|an|the|any|your|some)?\s*(?:\w+\s+)?${POSITION}\b`,
  String.raw`\b(?:apply|applying|application)\s+(?:for|to)\s+(?:a|an|the|any|your|some)?\s*(?:\w+\s+)?${POSITION}\b`,
  String.raw`\b(?:looking|searching|hoping|asking)\s+(?:for|to\s+(?:get|find|land))\s+(?:a|an|any|some)\s+(?:\w+\s+)?${POSITION}\b`,
  String.raw`\b(?:get|find|land|offer\s+me|give\s+me)\s+(?:a|an)\s+(?:\w+\s+)?(?:job|internship|position|placement)\b`,
  String.raw`\b(?:any|open)\s+(?:job\s+)?(?:openings?|positions?|vacanc(?:y|ies)|roles?|jobs?|internships?)\b`,
  String.raw`\b(?:job|internship)\s+(?:openings?|offers?|opportunit(?:y|ies)|applications?)\b`,
]
const ASK = new RegExp(ASKS.join('|'), 'gi')
/** A negation among the few words before an ask turns it into the opposite. */
const NEGATED = /\b(?:not|no|never|without|nor)\b[^.;!?]{0,24}$|n't\b[^.;!?]{0,24}$|\b(?:rather than|instead of)\s*$/i

/** Whether the text asks for a job, an internship or a referral to a position. */
export function asksForJob(text: string | null | undefined): boolean {
  if (!text) return false
  for (const match of text.matchAll(ASK)) {
    if (!NEGATED.test(text.slice(Math.max(0, match.index - 40), match.index))) return true
  }
  return false
}

/** The guide's warnings about a text the student wrote, for the field that holds it. */
export function jobAskWarnings(field: string, text: string | null | undefined): Warning[] {
  return asksForJob(text) ? [{ code: 'job-ask', field, message: JOB_ASK_MESSAGE }] : []
}

export const RAN_OVER_MESSAGE =
  'The guide asks you to respect the time agreed: as the end nears, say so and offer to stop, and stay longer only when ' +
  'the professional invites it. A conversation that keeps to its time is one a busy person is glad to have given.'

/** The guide's warning about a held meeting that ran past its agreed end. */
export function ranOverWarnings(overrunMinutes: number | null): Warning[] {
  if (!overrunMinutes) return []
  return [{ code: 'ran-over', field: 'endedAt', message: `This meeting ran ${overrunMinutes} minute${overrunMinutes === 1 ? '' : 's'} past its agreed end. ${RAN_OVER_MESSAGE}` }]
}

/** The schema of the warnings a meeting or an outreach carries. */
export const WarningsSchema = Type.Array(
  Type.Object(
    {
      code: Type.Enum(['job-ask', 'ran-over']),
      field: Type.String({ maxLength: 40, description: 'The field the warning is about' }),
      message: Type.String({ maxLength: 1000, description: 'What the guide advises, and why' }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 10, description: 'The career guide\'s advice about what the student wrote: accepted as written, worth a second look (job-ask: it reads as asking for a job; ran-over: the meeting ran past its agreed end)' },
)
