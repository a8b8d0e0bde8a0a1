// Word forms: verb bases, gerunds, participles, function words.
import { AUX, DETERMINERS, INTENSIFIERS_AT_END, IRREGULAR_PAST, PARTICIPLE_ONLY, PREPOSITIONS, PRONOUNS, VERBS, WH } from './lexicon.js'
import { join } from './text.js'

const FUNCTION_WORDS = new Set([...Object.keys(AUX), ...PRONOUNS, ...DETERMINERS, ...PREPOSITIONS, ...WH, 'not', 'and', 'or'])

/** Lower-case a sentence-initial function word ("Your company…" → "your company…"), keep names ("Google"). */
export const lowerFunctionWord = (w: string) => (w !== 'I' && FUNCTION_WORDS.has(w.toLowerCase()) ? w.toLowerCase() : w)

export const lowerFunctionWordAt = (w: string, i: number) => (i === 0 ? lowerFunctionWord(w) : w)

export function trimIntensifiers(rest: string[]): string[] {
  let text = ` ${rest.join(' ')} `
  for (const phrase of INTENSIFIERS_AT_END) text = text.replace(new RegExp(` ${phrase}(?= )`, 'gi'), '')
  return text.trim().split(' ').filter(Boolean)
}

/** The base form of a verb the lexicon knows: "started" → "start", "offers" → "offer", "went" → "go". */
export function verbBase(w: string | undefined): string | undefined {
  if (w === undefined) return undefined
  if (VERBS.has(w)) return w
  if (IRREGULAR_PAST[w]) return IRREGULAR_PAST[w]
  const candidates: string[] = []
  if (w.endsWith('ied')) candidates.push(w.slice(0, -3) + 'y')
  if (w.endsWith('ies')) candidates.push(w.slice(0, -3) + 'y')
  if (w.endsWith('ed')) candidates.push(w.slice(0, -1), w.slice(0, -2), w.slice(0, -3))
  if (w.endsWith('es')) candidates.push(w.slice(0, -2))
  if (w.endsWith('s')) candidates.push(w.slice(0, -1))
  return candidates.find((c) => VERBS.has(c))
}

/** "staying" → "stay", "making" → "make". */
export function ingBase(w: string): string | undefined {
  const stem = w.slice(0, -3)
  return [stem, stem + 'e', stem.slice(0, -1)].find((c) => VERBS.has(c))
}

export function isParticiple(w: string): boolean {
  return PARTICIPLE_ONLY.has(w) || IRREGULAR_PAST[w] !== undefined || (/ed$/.test(w) && verbBase(w) !== undefined)
}

export function gerund(v: string): string {
  const irregular: Record<string, string> = { be: 'being', see: 'seeing', lie: 'lying', die: 'dying', quit: 'quitting', get: 'getting', put: 'putting', run: 'running', sit: 'sitting', set: 'setting', plan: 'planning', stop: 'stopping', shop: 'shopping', begin: 'beginning', win: 'winning', swim: 'swimming', cut: 'cutting', hit: 'hitting', let: 'letting', chat: 'chatting', forget: 'forgetting', admit: 'admitting', commit: 'committing', refer: 'referring', prefer: 'preferring', transfer: 'transferring' }
  const lower = v.toLowerCase()
  if (irregular[lower]) return irregular[lower]
  if (/ie$/.test(lower)) return lower.slice(0, -2) + 'ying'
  if (/[^aeiouy]e$/.test(lower) && lower !== 'be') return lower.slice(0, -1) + 'ing'
  return lower + 'ing'
}

/** "work from home" → "working from home"; a phrase that does not start with a verb is kept. */
export function gerundPhrase(ws: string[]): string {
  const w = ws.filter((x, i) => !(i === 0 && x.toLowerCase() === 'to'))
  if (w.length === 0) return ''
  const head = w[0]!.toLowerCase()
  if (/ing$/.test(head)) return join(w)
  const base = verbBase(head)
  return base === undefined ? join(w) : join(gerund(base), w.slice(1))
}
