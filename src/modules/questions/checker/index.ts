// Flags closed questions and suggests an open-ended rephrasing. Informational interviews go best
// with open questions ("What…", "How…", "Tell me about…", "Walk me through…"); a closed one can be
// answered completely with a yes, a no, or by picking one of the options it offers.
//
// The rules, applied to each sentence of the text (after leading fillers such as "So,", "And",
// "Okay,", "Please" and lead-in clauses such as "Looking back," or "If you could start over," are set
// aside; a question mark is not required and case does not matter):
//
//  1. A wh-word first ("What", "How", "Why", "Which", "What if", "How come", "To what extent", "At what
//     point"…) is OPEN, unless the question ends by listing the options to choose from ("Which is
//     better, a degree or a bootcamp?"), which makes it a CHOICE, i.e. closed.
//  2. An imperative prompt ("Tell me about…", "Describe…", "Walk me through…", "Help me understand…")
//     or the speaker's stated interest ("I'd love to hear how…", "I'm curious about…") is OPEN,
//     unless what it asks to hear is a yes/no ("Tell me if…", "I was wondering whether…").
//  3. An auxiliary or modal verb first ("Do you…", "Is it…", "Would you…", "Have you ever…", and the
//     negative forms "Don't you…", "Isn't it…") is CLOSED: a bare "yes" or "no" answers it — with one
//     exception, the polite request. When the auxiliary only wraps a request to tell, describe,
//     explain, walk through, share, give an example… ("Can you describe a typical day?", "Could you
//     tell me about…", "Would you mind walking me through…", "May I ask how…"), the question means
//     "Please describe…": nobody answers it with "Yes." It is OPEN. "Can you work from home?" is not
//     such a request and stays closed, as are requests to say *whether* something holds ("Could you
//     tell me if…") and to confirm a label ("Would you describe the culture as competitive?").
//  4. The test behind rule 3 decides the borderline invitations too: "Is there anything you wish you
//     had known?", "Do you have any advice…?", "Any tips…?", "Do you know anyone…?" are CLOSED,
//     because "No" (or "Not really") is a complete, polite answer to each. They are the questions the
//     rephrasing helps most: "What do you wish you had known?" cannot be brushed off that way.
//  5. An "or" between options in a closed question makes it a CHOICE ("Do you prefer A or B?",
//     "Would you rather…", "Is it better to A or B?"); "…or not?" is only a yes/no.
//  6. Otherwise a sentence that ends with "?" is a declarative question asking for confirmation
//     ("You started as an intern?", "It's competitive, isn't it?", tags such as ", right?"): CLOSED.
//     A bare noun phrase with "?" ("Your favourite part of the job?") is an elliptical "What is…?":
//     OPEN. A sentence without "?" that matches none of the rules is a statement, not a question.
//
// A text of several sentences is open when any of them is open ("What was your first job? Did you
// like it?" already gets a full answer); it is closed when it has a closed question and no open one,
// and the suggestion then rephrases each closed sentence and keeps the others as they are.
//
// Rephrasing drops the auxiliary and rebuilds the question around its own words with a few templates:
// "Do you like X?" → "What do you like most about X?"; "Is it hard to X?" → "What makes it hard (or
// easy) to X?"; "Would you recommend X?" → "What would you tell someone considering X?"; a choice →
// "How do you think about A versus B?"; "Is there anything you wish…" → "What do you wish…"; and,
// when nothing more specific fits, "What can you tell me about <doing the thing>?". A lead-in clause
// is kept ("If you could go back, what would make you…?"). The word lists below are deliberately
// small: the checker is a hint for students, not a parser, and an unusual sentence gets a plainer
// rephrasing rather than a wrong verdict in the common cases (see test/question-checker.test.ts).
//
// Two more readings follow the closed one: whether the answer is public (public-source.ts: company
// facts, published statistics, definitions, formal requirements, each with a rephrasing that asks for
// the person's experience instead), and which of the guide's six topics the question is on
// (topics.ts). list.ts reads a whole list: topics covered and missing, questions that repeat.
//
// The parts: reading.ts reads a sentence; auxiliary.ts, requests.ts, choices.ts and any.ts classify
// what it finds; parse.ts and rephrase.ts take a closed question apart and rebuild it open;
// lexicon.ts, morphology.ts, tokens.ts and text.ts are what they all share.
import { checkList, type ListCheck } from './list.js'
import { checkPublicSource, type PublicSource } from './public-source.js'
import { analyzeSentence } from './reading.js'
import { type Closed, normalize } from './text.js'
import { type Topic, topicOf } from './topics.js'
import { splitSentences } from './tokens.js'

export { TOPICS, type Topic } from './topics.js'
export { checkList, GUIDE_TOPICS, type ListCheck } from './list.js'
export type { PublicSource, PublicSourceKind } from './public-source.js'

export interface QuestionCheck {
  text: string
  closed: boolean
  /** Why it reads as closed, or null. */
  reason: string | null
  /** An open rephrasing of a closed question, or null. */
  suggestion: string | null
  /** The public fact it asks for, with the reason and a rephrasing that asks for experience instead; or null. */
  publicSource: PublicSource | null
  topic: Topic
}

export function checkQuestion(text: string): QuestionCheck {
  const trimmed = text.trim().replace(/\s+/g, ' ')
  const sentences = splitSentences(normalize(trimmed))
  return { text: trimmed, ...closedReading(sentences), ...subjectReading(trimmed, sentences) }
}

/** The public-source and topic readings alone (what a question saved before they existed lacks). */
export function checkSubject(text: string): Pick<QuestionCheck, 'publicSource' | 'topic'> {
  const trimmed = text.trim().replace(/\s+/g, ' ')
  return subjectReading(trimmed, splitSentences(normalize(trimmed)))
}

function subjectReading(trimmed: string, sentences: string[]): Pick<QuestionCheck, 'publicSource' | 'topic'> {
  const publicSource = checkPublicSource(sentences)
  return { publicSource, topic: topicOf(trimmed, publicSource?.kind ?? null) }
}

function closedReading(sentences: string[]): Pick<QuestionCheck, 'closed' | 'reason' | 'suggestion'> {
  const verdicts = sentences.map(analyzeSentence)
  const closedOnes = verdicts.filter((v): v is Closed => v.kind === 'closed')
  if (verdicts.some((v) => v.kind === 'open') || closedOnes.length === 0) {
    return { closed: false, reason: null, suggestion: null }
  }
  const parts = sentences.map((s, i) => {
    const v = verdicts[i]!
    return v.kind === 'closed' ? v.suggestion : s
  })
  let suggestion = parts.join(' ')
  // The API allows 600 characters: keep only the rephrased questions if the context makes it longer.
  if (suggestion.length > 600) suggestion = closedOnes.map((v) => v.suggestion).join(' ')
  if (suggestion.length > 600) suggestion = closedOnes[closedOnes.length - 1]!.suggestion.slice(-600)
  const first = closedOnes[0]!
  return { closed: true, reason: first.reason.slice(0, 300), suggestion }
}

/** Each question of a list, and the list as a whole. */
export function checkQuestions(texts: string[]): { results: QuestionCheck[]; list: ListCheck } {
  const results = texts.map(checkQuestion)
  return { results, list: checkList(results) }
}
