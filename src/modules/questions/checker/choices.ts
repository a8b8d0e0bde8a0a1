// Choices: "Which is better, A or B?" and "Do you prefer A or B?".
import { ADJECTIVES, ANY_WORDS, auxOf, BE, DETERMINERS, isWh, NOUNY, words } from './lexicon.js'
import { gerundPhrase, verbBase } from './morphology.js'
import { type Parse } from './parse.js'
import { finish, join } from './text.js'

/** "Which is better, a degree or a bootcamp?": options listed after a comma, colon or dash. */
export function listedOptions(body: string): string[] | null {
  // Each listed option starts at its first non-space character, so the text splits into options in
  // one way only: with "[^,:;—–]+" after "\s*" a run of ", a" pieces split in exponentially many
  // ways before a mismatch (test/regex-safety.test.ts).
  const m = /[,:;—–]\s*([^,:;—–\s][^,:;—–]*(?:,\s*[^,:;—–\s][^,:;—–]*)*)$/.exec(body.replace(/\s-\s/g, ' — '))
  if (!m) return null
  const segment = m[1]!.trim()
  if (/^(or|and|if|when|but|because|so)\b/i.test(segment) || !/\sor\s/i.test(segment) || /\bor not$/i.test(segment)) return null
  const options = segment.split(/\s*,\s*(?:or\s+)?|\s+or\s+/i).map((o) => o.trim()).filter(Boolean)
  if (options.length < 2 || options.some((o) => o.split(' ').length > 6 || isWh(o.split(' ')[0]!.toLowerCase()) || auxOf(o.split(' ')[0]!.toLowerCase()) !== undefined)) return null
  return options
}

/** Options around "or" in a bare fragment ("Coffee or tea?"). */
export function optionsAround(t: string[], l: string[], from: number): string[] | null {
  const or = l.indexOf('or', from)
  if (or <= from || or === l.length - 1 || l[or + 1] === 'not') return null
  return [join(t.slice(from, or)), join(t.slice(or + 1))]
}

const PREFERENCE_ANCHORS = words('prefer rather choose pick recommend like enjoy want suggest between')

const COMPARATIVE_ANCHORS = words('better best easier harder worse smarter wiser safer faster more less')

/** A closed question offering options: "Do you prefer A or B?", "Is it better to A or B?", "Did you A or B?". */
export function choice(p: Parse): { options: string[]; suggestion: string } | null {
  const { t, l } = p
  let end = l.length
  if (l[end - 1] === 'not' && l[end - 2] === 'or') end -= 2
  const or = l.indexOf('or', p.after)
  if (or < 0 || or >= end - 1 || l.includes('whether') || p.adverbs.includes('ever') || l.some((w, i) => i >= p.after && ANY_WORDS.has(w))) return null
  const raw = t.slice(0, end)
  // The options start after an anchor: a verb of preference or a comparative ("better to").
  let anchor = -1
  let kind: 'preference' | 'comparative' | 'none' = 'none'
  for (let k = or - 1; k >= p.after; k--) {
    if (PREFERENCE_ANCHORS.has(l[k]!)) { anchor = k; kind = 'preference'; break }
    if (COMPARATIVE_ANCHORS.has(l[k]!)) {
      const degree = l[k] === 'more' || l[k] === 'less'
      // "work more with data or with people": an adverb, not a comparison.
      if (degree && !ADJECTIVES.has(l[k + 1] ?? '')) break
      anchor = degree ? k + 1 : k
      kind = 'comparative'
      break
    }
  }
  let start = anchor >= 0 ? anchor + 1 : p.after
  if (kind === 'comparative') {
    // "better for someone like me to specialize or…", "more important: grades or…"
    const to = l.indexOf('to', start)
    if (to >= 0 && to < or && to - start <= 5 && (l[start] === 'for' || to === start)) start = to
  }
  if (anchor === or - 1) {
    // "more formal or relaxed": the anchor is the first option itself.
    anchor = -1
    kind = 'none'
    start = p.after
  }
  if (kind === 'none' && BE.has(p.aux)) {
    // "Is the culture (more) formal or relaxed?" → describe the subject.
    const subject = p.pronoun ? null : join(p.subject)
    const options = [join(raw.slice(or - 1, or)), join(raw.slice(or + 1))]
    if (subject) return { options, suggestion: finish(`How would you describe ${subject}`) }
    return { options, suggestion: finish(`How do you think about ${options.join(' versus ')}`) }
  }
  const segment = raw.slice(start).map((w) => w)
  const text = segment.join(' ')
  let options = text.split(/\s*,\s*(?:or\s+)?|\s+or\s+/i).map((o) => o.trim()).filter(Boolean)
  options = options.map((o) => o.replace(/[,;:]+$/, ''))
  if (options.length < 2) return null
  // Verb options read as activities: "to specialize or stay general" → "specializing versus staying general".
  const first = options[0]!.split(' ')
  const verbal = first[0]!.toLowerCase() === 'to' || kind === 'none' || l[anchor] === 'rather'
  if (verbal) {
    options = options.map((o, i) => {
      const w = o.split(' ').filter((x, j) => !(j === 0 && x.toLowerCase() === 'to') && !['more', 'less', 'mostly', 'mainly'].includes(x.toLowerCase()))
      const head = w[0]!.toLowerCase()
      if (verbBase(head) === head && (i === 0 || !NOUNY.has(head) || w.length > 1) && !DETERMINERS.has(head)) return gerundPhrase(w)
      return w.join(' ')
    })
  }
  const subject = p.pronoun === 'i' ? 'I' : p.pronoun ?? 'you'
  if (kind === 'none' && p.aux === 'did' && p.pronoun) {
    const list = options.length === 2 ? `${options[0]} and ${options[1]}` : `${options.slice(0, -1).join(', ')}, and ${options[options.length - 1]}`
    return { options, suggestion: finish(`How ${p.aux === 'did' ? 'did' : 'do'} ${subject} decide between ${list}`) }
  }
  return { options, suggestion: finish(`How do you think about ${options.join(' versus ')}`) }
}
