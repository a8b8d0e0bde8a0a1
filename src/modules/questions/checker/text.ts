// Text helpers every part of the checker shares: the verdicts, joining words, finishing a sentence.

export type Closed = { kind: 'closed'; reason: string; suggestion: string }

export type Verdict = { kind: 'open' } | { kind: 'statement' } | Closed

export function normalize(s: string): string {
  if (!/\p{Ll}/u.test(s)) s = s.toLowerCase()
  return s
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/[“”"«»]/g, '')
    .replace(/\bi\b/g, 'I')
    .replace(/\bi'(m|d|ve|ll)\b/g, "I'$1")
}

export function closed(reason: string, suggestion: string): Closed {
  return { kind: 'closed', reason, suggestion: finish(suggestion) }
}

/** Tidy a built question: one space, a capital, no dangling commas, one question mark. */
export function finish(s: string): string {
  const tidy = s
    .replace(/\s+/g, ' ')
    .replace(/\s+([,?])/g, '$1')
    .replace(/[\s,;:.!?]+$/, '')
    .trim()
  return capitalize(tidy) + '?'
}

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export const join = (...parts: Array<string | string[] | undefined | false>) =>
  parts
    .flat()
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .join(' ')

export function quoteList(options: string[]): string {
  const short = options.map((o) => `"${o.length > 60 ? o.slice(0, 57) + '…' : o}"`)
  return short.length === 2 ? `${short[0]} or ${short[1]}` : `${short.slice(0, -1).join(', ')} or ${short[short.length - 1]}`
}
