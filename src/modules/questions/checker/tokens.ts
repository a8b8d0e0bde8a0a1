// Sentences and words: splitting a text into sentences (abbreviations kept whole) and a sentence into tokens.
import { words } from './lexicon.js'

const ABBREVIATIONS = words('dr mr mrs ms prof st vs etc e.g i.e ph.d u.s u.k inc ltd jr sr co corp dept approx mba m.b.a b.a b.s m.s m.a')

export function splitSentences(s: string): string[] {
  const out: string[] = []
  let start = 0
  const re = /([.!?…]+)\s+/g
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const before = s.slice(start, m.index)
    const last = (before.split(' ').pop() ?? '').toLowerCase()
    if (!/[?!]/.test(m[1]!) && (ABBREVIATIONS.has(last) || /^[a-z]$/i.test(last))) continue
    out.push(s.slice(start, m.index + m[1]!.length).trim())
    start = m.index + m[0].length
  }
  const tail = s.slice(start).trim()
  if (tail) out.push(tail)
  return out.length ? out : [s]
}

/** Words without surrounding punctuation (apostrophes and hyphens inside a word are kept). */
export function tokens(s: string): string[] {
  return s
    .replace(/[—–]/g, ' ')
    .replace(/\s-\s/g, ' ')
    .split(/\s+/)
    .map((w) => {
      const bare = w.replace(/^[^\p{L}\p{N}$]+|[^\p{L}\p{N}%+#.]+$/gu, '')
      return ABBREVIATIONS.has(bare.toLowerCase().replace(/\.$/, '')) && /\.$/.test(bare) ? bare : bare.replace(/\.+$/, '')
    })
    .filter(Boolean)
}

export const lowerWords = (s: string) => tokens(s).map((w) => w.toLowerCase())

// Content words: what a question asks about once the words every question shares are set aside,
// reduced to a crude stem (and a few synonyms to one word), for comparing questions and reading topics.
const STOP = new Set(
  `a an the and or but of to in on at for with about from by as into is are was were be been being am do does did doing have has had
   can could will would should shall may might must what how why where when who whom which that this these those there here it its
   you your yours yourself i me my we our they their he she his her them us so if then than just really very also any some most more
   much many kind sort like tell describe explain share walk through please mind wonder wondering curious love hear know`
    .split(/\s+/)
    .filter(Boolean),
)
const SYNONYMS: Record<string, string> = { job: 'work', role: 'work', career: 'work', position: 'work', profession: 'work', field: 'work', industry: 'work', daily: 'day', typical: 'day', usual: 'day', normal: 'day' }

function stem(word: string): string {
  const w = SYNONYMS[word] ?? word
  return (SYNONYMS[w.replace(/(?:ing|ed|es|s)$/, '')] ?? w.replace(/(?:ing|ed|es|s)$/, '')) || w
}

export function contentWords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .replace(/[‘’ʼ`´]/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/'s$|'$/, ''))
    .filter((w) => w.length > 1 && !STOP.has(w))
  return new Set(words.map(stem))
}

