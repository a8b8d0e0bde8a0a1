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
