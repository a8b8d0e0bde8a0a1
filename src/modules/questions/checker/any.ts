// "Any…" questions ("Is there anything you would change?"), and their open rephrasing.
import { ADJECTIVES, auxOf, CONJUNCTIONS, isWh, PREPOSITIONS, PRONOUNS, RELATIVIZERS, SUBJECT_CONTRACTIONS } from './lexicon.js'
import { lowerFunctionWord } from './morphology.js'
import { type Parse, toQuestionOrder } from './parse.js'
import { join } from './text.js'

/** "Do you have any advice for…" → "What advice do you have for…"; "Is there anything you wish…" → "What do you wish…". */
export function anyQuestion(p: Parse, at: number): string {
  const { t, l } = p
  const word = l[at]!
  const frame = [p.aux, ...p.subject.map(lowerFunctionWord), ...p.adverbs.filter((a) => a !== 'ever' && a !== 'not'), ...t.slice(p.after, at)]
  let k = at + 1
  const elseWord = l[k] === 'else' ? (k++, 'else') : ''
  if (word === 'any') {
    const noun: string[] = []
    while (k < l.length && !PREPOSITIONS.has(l[k]!) && !RELATIVIZERS.has(l[k]!) && !PRONOUNS.has(l[k]!) && !SUBJECT_CONTRACTIONS[l[k]!] && !isWh(l[k]) && !CONJUNCTIONS.has(l[k]!) && !(noun.length && auxOf(l[k]) !== undefined)) noun.push(t[k++]!)
    const rest = t.slice(k)
    const relative = relativeClause(rest)
    if (p.pronoun === 'there') {
      if (relative) return `What ${join(noun)} ${relative}`
      return `What ${join(noun)} ${p.aux} there ${join(rest)}`
    }
    if (relative && noun.length === 0) return `What ${relative}`
    return `What ${join(noun)} ${join(frame)} ${join(rest)}`
  }
  const wh = word === 'anyone' || word === 'anybody' ? 'Who' : word === 'anywhere' ? 'Where' : 'What'
  const rest = t.slice(k)
  const relative = relativeClause(rest)
  if (relative) return `${wh} ${elseWord} ${relative}`
  if (p.pronoun === 'there') {
    if (rest.length && (ADJECTIVES.has(l[k]!) || /(ing|ed)$/.test(l[k]!))) return `${wh} ${elseWord} is ${join(rest)}`
    return `${wh} ${elseWord} ${p.aux} there ${join(rest)}`
  }
  return `${wh} ${elseWord} ${join(frame)} ${join(rest)}`
}

/** "you wish you had known" → "do you wish you had known"; "I should get" → "should I get"; "that help" → "help". */
function relativeClause(rest: string[]): string | null {
  const l = rest.map((w) => w.toLowerCase())
  if (l.length === 0) return null
  if (RELATIVIZERS.has(l[0]!) && l[1] !== undefined && !PRONOUNS.has(l[1]) && !SUBJECT_CONTRACTIONS[l[1]]) return join(rest.slice(1))
  const start = RELATIVIZERS.has(l[0]!) ? 1 : 0
  const clause = rest.slice(start)
  const cl = l.slice(start)
  if (!(PRONOUNS.has(cl[0] ?? '') || SUBJECT_CONTRACTIONS[cl[0] ?? ''])) return null
  const reordered = toQuestionOrder(clause)
  return reordered ? join(reordered.words) : null
}

/** "Any tips for networking?", "Anything else I should know?", "Anyone else I could talk to?". */
export function anyFragment(t: string[], l: string[]): string {
  const p: Parse = { aux: 'do', t: ['do', 'you', 'have', ...t], l: ['do', 'you', 'have', ...l], after: 2, subject: ['you'], pronoun: 'you', adverbs: [] }
  if (l[0] === 'any') return anyQuestion(p, 3)
  const wh = l[0] === 'anyone' || l[0] === 'anybody' ? 'Who' : l[0] === 'anywhere' ? 'Where' : 'What'
  let k = 1
  const elseWord = l[k] === 'else' ? (k++, 'else') : ''
  const rest = t.slice(k)
  const relative = relativeClause(rest)
  if (relative) return `${wh} ${elseWord} ${relative}`
  if (rest.length === 0) return `${wh} ${elseWord} would you add`
  return `${wh} ${elseWord} ${wh === 'Who' ? 'would you suggest' : 'is there'} ${join(rest)}`
}
