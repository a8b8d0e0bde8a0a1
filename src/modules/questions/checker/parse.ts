// Reading an auxiliary-first question ("Do you like…"): its subject, auxiliary and rest, and the question order.
import { ADJECTIVES, auxOf, BE, DEGREE, DETERMINERS, IRREGULAR_PAST, MID_ADVERBS, NOUNY, PERSONAL, PREPOSITIONS, PRONOUNS, SUBJECT_CONTRACTIONS } from './lexicon.js'
import { isParticiple, lowerFunctionWordAt, verbBase } from './morphology.js'

export interface Parse {
  aux: string
  t: string[]
  l: string[]
  /** Index of the first word after the subject (and any "not", "ever", "still"…). */
  after: number
  subject: string[]
  /** The subject in lower case when it is a pronoun ("you", "it", "there"), else undefined. */
  pronoun: string | undefined
  adverbs: string[]
}

export function parse(aux: string, t: string[], l: string[], knownSubjectEnd?: number): Parse {
  let k = 1
  let pronoun: string | undefined
  let subject: string[]
  if (knownSubjectEnd !== undefined && !PERSONAL.has(l[1] ?? '')) {
    k = knownSubjectEnd
    subject = t.slice(1, k)
  } else if (l[1] !== undefined && PERSONAL.has(l[1])) {
    pronoun = l[1] === 'u' || l[1] === 'ya' ? 'you' : l[1]
    subject = [pronoun === 'i' ? 'I' : pronoun]
    k = 2
    if (l[2] === 'all' && ['you', 'we', 'they'].includes(pronoun)) k = 3
  } else {
    const end = subjectEnd(aux, l)
    k = end > 1 ? end : l.length
    subject = t.slice(1, k)
  }
  const adverbs: string[] = []
  while (l[k] !== undefined && (MID_ADVERBS.has(l[k]!) || l[k] === 'not')) adverbs.push(l[k++]!)
  return { aux, t, l, after: k, subject, pronoun, adverbs }
}

/** Where a noun-phrase subject ends: at the predicate of "be", the verb of "do"/modals, the participle of "have". */
export function subjectEnd(aux: string, l: string[]): number {
  for (let k = 2; k < Math.min(l.length, 8); k++) {
    const w = l[k]!
    if (MID_ADVERBS.has(w) || w === 'not') return k
    if (BE.has(aux)) {
      if (ADJECTIVES.has(w) || DEGREE.has(w) || w === 'a' || w === 'an' || w === 'the' || (PREPOSITIONS.has(w) && w !== 'of') || isParticiple(w)) return k
      if (/ing$/.test(w) && (k === l.length - 1 || PREPOSITIONS.has(l[k + 1]!) || DETERMINERS.has(l[k + 1]!))) return k
    } else if (aux === 'have' || aux === 'has' || aux === 'had') {
      if (isParticiple(w)) return k
    } else if (verbBase(w) !== undefined && !(NOUNY.has(w) && verbBase(l[k + 1]) !== undefined) && !DETERMINERS.has(w)) {
      return k
    }
  }
  return -1
}

/** "you started as an intern" → "did you start as an intern"; "it's hard to…" → "is it hard to…". */
export function toQuestionOrder(t: string[]): { words: string[]; subjectEnd: number } | null {
  const l = t.map((w) => w.toLowerCase())
  const first = l[0]
  if (first === undefined) return null
  const order = (words: string[], subjectEnd = 2) => ({ words, subjectEnd })
  const contraction = SUBJECT_CONTRACTIONS[first]
  if (contraction) return order([contraction[0], contraction[1], ...t.slice(1)])
  if (PRONOUNS.has(first) && l[1] !== undefined) {
    const subject = first === 'i' ? 'I' : first
    if (auxOf(l[1]) !== undefined) return order([l[1], subject, ...t.slice(2)])
    const verb = l[1]
    const past = IRREGULAR_PAST[verb] !== undefined || /ed$/.test(verb)
    const base = verbBase(verb) ?? verb
    if (past) return order(['did', subject, base, ...t.slice(2)])
    if (['he', 'she', 'it', 'this', 'that'].includes(first) && /s$/.test(verb)) return order(['does', subject, base, ...t.slice(2)])
    return order(['do', subject, verb, ...t.slice(2)])
  }
  // A noun-phrase subject: "your first job was in sales", "the company offers mentorship",
  // "the work you do with clients is worth it" (the verb of a relative clause is skipped).
  for (let k = 1; k < Math.min(l.length, 14); k++) {
    const w = l[k]!
    if (PERSONAL.has(l[k - 1]!)) continue
    const np = t.slice(0, k).map(lowerFunctionWordAt)
    if (auxOf(w) !== undefined) return order([w, ...np, ...t.slice(k + 1)], k + 1)
    const contracted = /^(.+)'s$/.exec(w)
    if (contracted && (ADJECTIVES.has(l[k + 1] ?? '') || DEGREE.has(l[k + 1] ?? ''))) {
      return order(['is', ...np, t[k]!.slice(0, -2), ...t.slice(k + 1)], k + 2)
    }
    const base = verbBase(w)
    if (base !== undefined && !NOUNY.has(w) && w !== base) {
      const past = IRREGULAR_PAST[w] !== undefined || /ed$/.test(w)
      return order([past ? 'did' : 'does', ...np, base, ...t.slice(k + 1)], k + 1)
    }
  }
  return null
}
