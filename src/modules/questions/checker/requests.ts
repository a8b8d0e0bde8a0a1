// Requests and prompts ("Could you tell me…", "I would love to hear…"), and yes/no questions they wrap.
import { auxOf, DETERMINERS, GIVE_OBJECTS, INTEREST, isWh, REQUEST_VERBS } from './lexicon.js'
import { gerund } from './morphology.js'
import { declarativeSuggestion } from './rephrase.js'
import { type Closed, closed, join } from './text.js'

type Request = { verdict: 'open' } | { verdict: 'if'; at: number } | { verdict: 'as'; at: number; as: number }

/** Is l[i] a verb asking the listener to speak at length ("tell me about", "walk me through")? */
export function requestAt(l: string[], i: number, gerund = false, wrapped = true): Request | null {
  const raw = l[i]
  if (raw === undefined) return null
  const v = gerund ? GERUND_REQUESTS.get(raw) : raw
  if (v === undefined || !REQUEST_VERBS.has(v)) return null
  const next = (k = 0) => l[i + 1 + k] ?? ''
  const me = ['me', 'us'].includes(next())
  switch (v) {
    case 'say': if (!['more', 'a', 'something', 'what', 'how', 'why', 'about', 'anything', 'which', 'who'].includes(next())) return null; break
    case 'go': if (!(['over', 'through'].includes(next()) || (next() === 'into' && ['more', 'detail', 'depth', 'specifics', 'that', 'how', 'what', 'why'].includes(next(1))))) return null; break
    case 'take': if (!(me && next(1) === 'through')) return null; break
    case 'break': if (next() !== 'down') return null; break
    case 'help': if (!(me && ['understand', 'see', 'get', 'learn', 'figure', 'picture', 'think'].includes(next(1)))) return null; break
    case 'show': if (!me) return null; break
    case 'think': if (!['of', 'back'].includes(next())) return null; break
    case 'suggest': if (!(['some', 'a', 'other', 'people', 'names', 'ways', 'how', 'what', 'where', 'who', 'which', 'resources', 'books', 'steps'].includes(next()))) return null; break
    case 'give': if (![0, 1, 2, 3, 4].some((k) => GIVE_OBJECTS.has(next(k)))) return null; break
    case 'list': case 'name': if (!(DETERMINERS.has(next()) || /^(a|one|two|three|few)$/.test(next()))) return null; break
  }
  // "Tell me if…", "Explain whether…": a yes/no wrapped in a request.
  let k = i + 1
  if (l[k] === 'me' || l[k] === 'us') k++
  if (l[k] === 'honestly' || l[k] === 'frankly') k++
  if (l[k] === 'if' || l[k] === 'whether') return { verdict: 'if', at: k }
  // "Would you describe the culture as competitive?" asks to confirm a label.
  // ("Describe yourself as a manager." is a prompt, not a question.)
  if (wrapped && (v === 'describe' || v === 'characterize' || v === 'characterise')) {
    const as = l.indexOf('as', i + 1)
    if (as > i + 1 && (['yourself', 'it', 'them', 'that', 'this', 'him', 'her', 'things'].includes(l[as - 1]!) || !DETERMINERS.has(l[as + 1] ?? 'a'))) {
      return { verdict: 'as', at: i, as }
    }
  }
  return { verdict: 'open' }
}

const GERUND_REQUESTS = new Map([...REQUEST_VERBS].map((v) => [gerund(v), v]))

/** "I'd love to hear how…", "I'm curious about…" (open); "I was wondering if…" (a yes/no). */
export function interest(l: string[]): Request | null {
  if (!['I', 'i', "i'd", "i'm", "i've", "i'll", 'we', "we'd", "we're"].includes(l[0]!)) return null
  let interested = false
  for (let k = 1; k < Math.min(l.length, 10); k++) {
    const w = l[k]!
    if (INTEREST.has(w)) interested = true
    else if (interested && (w === 'if' || w === 'whether')) return { verdict: 'if', at: k }
    else if (interested && (w === 'about' || isWh(w))) return { verdict: 'open' }
  }
  return null
}

/** A polite wrapper around a request: "Can you describe…", "Would you mind walking me…", "May I ask how…". */
export function politeRequest(l: string[]): Request | null {
  // "Do you think you could tell me…" → "Could you tell me…" (indexes shifted back for the caller).
  if (auxOf(l[0]) === 'do' && l[1] === 'you' && l[2] === 'think' && l[3] === 'you' && ['could', 'can', 'would', 'might'].includes(l[4] ?? '')) {
    const inner = politeRequest([l[4]!, 'you', ...l.slice(5)])
    if (inner?.verdict === 'if') return { verdict: 'if', at: inner.at + 3 }
    if (inner?.verdict === 'as') return { verdict: 'as', at: inner.at + 3, as: inner.as + 3 }
    return inner
  }
  const aux = auxOf(l[0])
  let j = 1
  // "Would it be possible (for you) to describe…"
  if ((aux === 'would' || aux === 'could' || aux === 'is') && l[j] === 'it' && ['be', 'possible', 'okay', 'ok'].includes(l[j + 1] ?? '')) {
    const to = l.indexOf('to', j)
    return to > 0 && to < j + 6 ? requestAt(l, to + 1) : null
  }
  // "May I ask how…", "Can I ask about…"
  if ((aux === 'may' || aux === 'can' || aux === 'could' || aux === 'might') && (l[j] === 'i' || l[j] === 'I') && l[j + 1] === 'ask') {
    let k = j + 2
    if (l[k] === 'you') k++
    return isWh(l[k]) || l[k] === 'about' ? { verdict: 'open' } : null
  }
  if (!['you', 'u', 'ya'].includes(l[j] ?? '')) return null
  j++
  while (['please', 'possibly', 'maybe', 'perhaps', 'kindly', 'just', 'briefly', 'quickly', 'also', 'first', 'now', 'not'].includes(l[j] ?? '')) j++
  if (l[j] === 'mind' && (aux === 'would' || aux === 'do')) {
    j++
    if (l[j] === 'me' || l[j] === 'my') j++
    // "Would you mind if I asked how…", "Do you mind me asking what…"
    if (l[j] === 'if' && (l[j + 1] === 'i' || l[j + 1] === 'I')) j += 2
    if (['ask', 'asked', 'asking'].includes(l[j] ?? '')) {
      let k = j + 1
      if (l[k] === 'you') k++
      return isWh(l[k]) || l[k] === 'about' ? { verdict: 'open' } : null
    }
    return requestAt(l, j, true)
  }
  if (aux !== 'can' && aux !== 'could' && aux !== 'would' && aux !== 'will') return null
  // "Would you be willing to share…", "Would you care to elaborate…"
  if (l[j] === 'be' && ['willing', 'able', 'open', 'happy', 'prepared', 'up', 'comfortable'].includes(l[j + 1] ?? '')) {
    const to = l.indexOf('to', j)
    return to > 0 && to < j + 4 ? requestAt(l, to + 1) ?? requestAt(l, to + 1, true) : null
  }
  if (l[j] === 'care' && l[j + 1] === 'to') return requestAt(l, j + 2)
  return requestAt(l, j)
}

/** "Could you tell me whether you enjoy it?", "I was wondering if you'd recommend it": rephrase what is asked. */
export function embeddedYesNo(t: string[], l: string[], request: Request): Closed {
  if (request.verdict === 'as') {
    const object = t.slice(request.at + 1, request.as)
    const subject = object.length === 1 && l[request.at + 1] === 'yourself' ? 'your work style' : join(object)
    return closed(`It asks whether a description fits ("${join(t.slice(request.as))}"), so "yes" or "no" is a complete answer.`, `How would you describe ${subject}?`)
  }
  const at = request.verdict === 'if' ? request.at : 0
  const clause = t.slice(at + 1)
  const quoted = join(t.slice(at, at + 9)) + (t.length > at + 9 ? '…' : '')
  return closed(`It wraps a yes/no question ("${quoted}"), so "yes" or "no" is a complete answer.`, declarativeSuggestion(join(clause)))
}
