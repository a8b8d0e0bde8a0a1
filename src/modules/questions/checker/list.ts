// A whole list of questions read together, as a student prepares for a meeting: which of the guide's
// six topics it covers and which it leaves out, and which questions repeat each other.
//
// Two questions repeat each other when, once the words every question shares are set aside ("what",
// "you", "do"…) and the rest reduced to a crude stem, most of what either asks is in the other: the
// overlap (Jaccard) of their content words is at least REPEAT_SIMILARITY. "What do you enjoy most about
// your work?" and "What do you enjoy the most about your job?" repeat; "What do you enjoy most?" and
// "What do you find hardest?" do not.
import { contentWords } from './tokens.js'
import { type Topic, TOPICS } from './topics.js'

export const GUIDE_TOPICS = TOPICS.filter((t): t is Exclude<Topic, 'other'> => t !== 'other')

export const REPEAT_SIMILARITY = 0.6

function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0
  let shared = 0
  for (const w of a) if (b.has(w)) shared++
  return shared / (a.size + b.size - shared)
}

export interface ListCheck {
  /** The guide's topics with at least one question, in the guide's order. */
  topicsCovered: Array<Exclude<Topic, 'other'>>
  /** The guide's topics with none. */
  topicsMissing: Array<Exclude<Topic, 'other'>>
  /** Pairs of positions (0-based, first < second) whose questions repeat each other. */
  repeats: Array<{ first: number; second: number }>
}

export function checkList(questions: Array<{ text: string; topic: Topic }>): ListCheck {
  const covered = new Set(questions.map((q) => q.topic))
  const words = questions.map((q) => contentWords(q.text))
  const repeats: ListCheck['repeats'] = []
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) if (similarity(words[i]!, words[j]!) >= REPEAT_SIMILARITY) repeats.push({ first: i, second: j })
  }
  return {
    topicsCovered: GUIDE_TOPICS.filter((t) => covered.has(t)),
    topicsMissing: GUIDE_TOPICS.filter((t) => !covered.has(t)),
    repeats,
  }
}
