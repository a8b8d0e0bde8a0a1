// Classifying an auxiliary-first question: closed, with a reason and an open rephrasing.
import { anyQuestion } from './any.js'
import { choice } from './choices.js'
import { ANY_WORDS, auxOf, PERSONAL } from './lexicon.js'
import { parse } from './parse.js'
import { rephrase } from './rephrase.js'
import { embeddedYesNo, politeRequest } from './requests.js'
import { capitalize, closed, quoteList, type Verdict } from './text.js'

export function auxQuestion(t: string[], l: string[]): Verdict {
  const request = politeRequest(l)
  if (request?.verdict === 'open') return { kind: 'open' }
  if (request) return embeddedYesNo(t, l, request)
  const aux = auxOf(l[0])!
  const negative = l[0] !== aux
  const opener = capitalize(PERSONAL.has(l[1] ?? '') ? `${t[0]} ${t[1]}` : t[0]!)
  const p = parse(aux, t, l)
  const options = choice(p)
  if (options) {
    return closed(`It asks to choose between given options (${quoteList(options.options)}), so naming one of them is a complete answer.`, options.suggestion)
  }
  const anyAt = l.findIndex((w, i) => i >= p.after && ANY_WORDS.has(w))
  const suggestion = anyAt >= 0 ? anyQuestion(p, anyAt) : rephrase(p).text
  const reason =
    anyAt >= 0
      ? `It starts with "${opener}" and asks whether there is ${l[anyAt] === 'any' && t[anyAt + 1] ? `any ${t[anyAt + 1]}` : l[anyAt]} at all, so "no" is a complete answer.`
      : negative
        ? `It starts with "${opener}", which asks for agreement: "yes" or "no" is a complete answer.`
        : `It starts with "${opener}", so "yes" or "no" is a complete answer.`
  return closed(reason, suggestion)
}
