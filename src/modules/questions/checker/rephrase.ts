// Rephrasing a closed question as an open one, around its own words.
import { anyQuestion } from './any.js'
import { choice } from './choices.js'
import { ADJECTIVES, ANTONYM, ANY_WORDS, auxOf, BE, CHOICE_VERBS, DEGREE, EVALUATIVE, FEELINGS, IMPORTANCE, isWh, MODAL, OBJECT, PARTICLES, PERSONAL, POSSESSIVE, PREPOSITIONS } from './lexicon.js'
import { gerundPhrase, ingBase, isParticiple, lowerFunctionWord, lowerFunctionWordAt, trimIntensifiers, verbBase } from './morphology.js'
import { type Parse, parse, toQuestionOrder } from './parse.js'
import { join } from './text.js'
import { tokens } from './tokens.js'

interface Built {
  text: string
  /** False when only the generic "What can you tell me about…" fitted. */
  specific: boolean
}

const specific = (text: string): Built => ({ text, specific: true })

const generic = (text: string): Built => ({ text, specific: false })

export function rephrase(p: Parse): Built {
  if (BE.has(p.aux)) return rephraseBe(p, p.aux)
  if (p.aux === 'have' || p.aux === 'has' || p.aux === 'had') return rephraseHave(p)
  return rephraseVerb(p)
}

/** "Is it hard to…", "Are you happy with…", "Is the pay good?", "Is there room for…". */
function rephraseBe(p: Parse, be: string): Built {
  const { t, l } = p
  const past = be === 'was' || be === 'were'
  const makes = past ? 'made' : 'makes'
  let k = p.after
  while (DEGREE.has(l[k] ?? '')) k++
  const pred = t.slice(k)
  const predL = l.slice(k)
  const head = predL[0] ?? ''
  const subject = join(p.subject)
  const adjective = (): Built | null => {
    if (!ADJECTIVES.has(head)) return null
    const tail = pred.slice(1)
    if (IMPORTANCE.has(head)) return specific(`How important ${be} ${subject} ${join(tail)}`)
    if (EVALUATIVE.has(head) && p.pronoun === undefined) return specific(`How would you describe ${subject} ${join(tail)}`)
    const antonym = ANTONYM[head] === undefined || ANTONYM[head] === 'not' ? 'not' : ANTONYM[head]
    const alt = antonym === 'not' ? '(or not)' : `(or ${antonym})`
    if (predL[1] === 'it') return specific(`What ${makes} ${subject} ${pred[0]} it ${alt} ${join(pred.slice(2))}`)
    return specific(`What ${makes} ${subject} ${pred[0]} ${alt} ${join(tail)}`)
  }
  switch (p.pronoun) {
    case 'there': {
      // "Is there a lot of travel involved?" → "How much travel is involved?"
      const much = predL[0] === 'a' && predL[1] === 'lot' && predL[2] === 'of' ? 3 : predL[0] === 'much' || predL[0] === 'many' ? 1 : -1
      if (much > 0) {
        let end = much + 1
        while (end < pred.length && !isParticiple(predL[end]!) && !PREPOSITIONS.has(predL[end]!)) end++
        const noun = pred.slice(much, end)
        const rest = pred.slice(end)
        const quantity = /s$/.test(noun[noun.length - 1] ?? '') && predL[0] !== 'much' ? 'many' : 'much'
        return specific(rest.length && /ed$/.test(rest[0]!.toLowerCase()) ? `How ${quantity} ${join(noun)} ${be} ${join(rest)}` : `How ${quantity} ${join(noun)} ${be} there ${join(rest)}`)
      }
      const topic = pred[0] && /^(a|an)$/i.test(pred[0]) ? ['the', ...pred.slice(1)] : pred
      return generic(`What can you tell me about ${join(topic)}`)
    }
    case 'it': {
      if (['true', 'possible', 'likely', 'unlikely', 'fair', 'safe', 'right', 'wrong', 'normal', 'common'].includes(head) && (predL[1] === 'that' || PERSONAL.has(predL[1] ?? '') || (head === 'true' && predL[1] !== undefined && predL[1] !== 'to'))) {
        const clause = pred.slice(predL[1] === 'that' ? 2 : 1)
        // "Is it true you started as a cashier?" → "What led you to start as a cashier?"
        if (head === 'true' && clause[0]?.toLowerCase() === 'you') return specific(declarativeSuggestion(join(clause)))
        return specific(`What's your take on whether ${join(clause)}, and why`)
      }
      if (['possible', 'feasible', 'realistic', 'doable'].includes(head) && predL[1] === 'to') return specific(`How realistic ${be} it ${join(pred.slice(1))}`)
      const adj = adjective()
      if (adj) return adj.text.startsWith('How important') ? specific(`How important ${be} it ${join(pred.slice(1))}`) : adj
      if (head === 'a' || head === 'an') return specific(`What ${makes} it ${join(pred)}, in your view`)
      return generic(`What can you tell me about ${join(pred)}`)
    }
    case 'you':
    case 'we':
    case 'they': {
      const obj = OBJECT[p.pronoun]!
      const doAux = past ? 'did' : 'do'
      if (FEELINGS.has(head)) {
        const tail = pred.slice(1)
        const prep = (predL[1] ?? '') as string
        if (tail.length === 0) return specific(`What ${makes} ${obj} ${head} (or not)`)
        if (['with', 'about', 'of', 'by', 'in', 'that'].includes(prep)) return specific(`How ${doAux} ${p.pronoun} feel about ${join(tail.slice(1))}`)
        if (prep === 'to') return specific(`How ${doAux} ${p.pronoun} feel about ${gerundPhrase(tail.slice(1))}`)
        return specific(`How ${doAux} ${p.pronoun} feel ${join(tail)}`)
      }
      if (head === 'in' && predL[1] === 'touch') return specific(`How ${doAux} ${p.pronoun} keep ${join(pred)}`)
      if (['going', 'planning', 'thinking', 'considering', 'hoping', 'looking'].includes(head) && POSSESSIVE[p.pronoun]) {
        let r = 1
        if (['to', 'of', 'about', 'into', 'at'].includes(predL[1] ?? '')) r = 2
        return specific(`What are ${POSSESSIVE[p.pronoun]} thoughts on ${gerundPhrase(pred.slice(r))}`)
      }
      if (head === 'a' || head === 'an') return specific(`What ${past ? 'was' : 'is'} it like being ${join(pred)}`)
      const adj = adjective()
      if (adj) return adj
      return generic(`What can you tell me about being ${join(pred)}`)
    }
    case 'i':
      return specific(`What's your take on whether I'm ${join(t.slice(p.after))}, and why`)
    case undefined: {
      // A noun phrase: "Is the pay good?", "Is remote work common in your field?", "Are interns paid?"
      if (p.subject.length === 0) return generic(`What can you tell me about ${join(pred)}`)
      const adj = adjective()
      if (adj) return adj
      if (isParticiple(head) || /ing$/.test(head)) return specific(`What can you tell me about how ${subject} ${be} ${join(pred)}`)
      if (head === 'a' || head === 'an' || head === 'the') return specific(`What ${makes} ${subject} ${join(pred)}, in your view`)
      if (pred.length === 0) return generic(`What can you tell me about ${subject}`)
      return generic(`What can you tell me about ${subject}`)
    }
    default: {
      // he, she, this, that, these, those
      const adj = adjective()
      if (adj) return adj
      if (head === 'a' || head === 'an') return specific(`What ${makes} ${subject} ${join(pred)}, in your view`)
      return generic(`What can you tell me about ${join(pred)}`)
    }
  }
}

/** "Have you ever…", "Has the field changed…", "Have you always wanted…". */
function rephraseHave(p: Parse): Built {
  const { t, l, aux } = p
  const verb = l[p.after] ?? ''
  const rest = t.slice(p.after + 1)
  const restL = l.slice(p.after + 1)
  if (verb === 'been') {
    const present = aux === 'had' ? 'were' : p.pronoun === 'you' || p.pronoun === 'we' || p.pronoun === 'they' ? 'are' : 'is'
    return rephraseBe({ ...p, after: p.after + 1 }, present)
  }
  if (!isParticiple(verb)) {
    // "Have you a mentor?", "Have you got a minute?": possession.
    const obj = verb === 'got' ? rest : t.slice(p.after)
    return generic(`What can you tell me about ${p.pronoun === 'you' ? 'your' : 'the'} ${join(obj.filter((w, i) => i > 0 || !/^(a|an|the)$/i.test(w)))}`)
  }
  const base = verbBase(verb) ?? verb
  if (p.pronoun === undefined || p.pronoun === 'it') {
    // "Has the field changed much since you started?" → "How has the field changed since you started?"
    return specific(`How ${aux} ${join(p.subject)} ${t[p.after]} ${join(trimIntensifiers(rest))}`)
  }
  const subject = p.pronoun === 'i' ? 'I' : p.pronoun
  if ((base === 'think' || base === 'consider') && p.adverbs.includes('ever')) {
    const topic = restL[0] === 'about' || restL[0] === 'of' ? rest.slice(1) : rest
    return specific(`How ${aux} ${subject} thought about ${gerundPhrase(topic)} over the years`)
  }
  if (base === 'regret') return specific(`How do ${subject} feel about ${join(rest)} now, looking back`)
  if (base === 'want' && restL[0] === 'to') return specific(`What made ${OBJECT[p.pronoun] ?? p.pronoun} want to ${join(rest.slice(1))}`)
  const had = aux === 'had' ? 'had' : `${aux} ${subject} had`
  return specific(aux === 'had' ? `What experience had ${subject} had with ${gerundPhrase([base, ...rest])}` : `What experience ${had} with ${gerundPhrase([base, ...rest])}`)
}

/** "Do you like…", "Did you study…", "Can you work from home?", "Would you go back to school?". */
function rephraseVerb(p: Parse): Built {
  const { t, l, aux } = p
  const past = aux === 'did'
  const verbRaw = t[p.after] ?? ''
  const verb = l[p.after] ?? ''
  const rest = t.slice(p.after + 1)
  const restL = l.slice(p.after + 1)
  const subject = p.pronoun === 'i' ? 'I' : p.pronoun
  const personal = subject === 'you' || subject === 'I' || subject === 'we' || subject === 'they'
  if (!personal) {
    // A noun phrase or "it": keep the sentence and ask how, what, or how much.
    const sub = join(p.subject)
    if (MODAL.has(aux)) return specific(`What's your take on whether ${join(p.subject.map(lowerFunctionWord))} ${aux} ${join(t.slice(p.after))}, and why`)
    if (verb === 'take' && restL[0] === 'long') return specific(`How long ${aux} ${sub} take ${join(rest.slice(1))}`)
    if (rest.length === 0) return specific(`How much ${aux} ${sub} ${verbRaw}`)
    // "Does the job involve a lot of writing?" → "How much writing does the job involve?"
    const amount = restL[0] === 'a' && restL[1] === 'lot' && restL[2] === 'of' ? 3 : restL[0] === 'much' || restL[0] === 'many' ? 1 : 0
    if (amount > 0) {
      const noun = rest.slice(amount)
      const many = restL[0] === 'many' || (restL[0] === 'a' && /s$/.test(restL[restL.length - 1]!) && !/ss$/.test(restL[restL.length - 1]!))
      return specific(`How ${many ? 'many' : 'much'} ${join(noun)} ${aux} ${sub} ${verbRaw}`)
    }
    // "Does it pay well?" → "How well does it pay?"; "Do most people burn out quickly?" → "How quickly do…"
    const last = restL[restL.length - 1]!
    if (['well', 'quickly', 'fast', 'often', 'easily', 'soon', 'long'].includes(last)) return specific(`How ${last} ${aux} ${sub} ${verbRaw} ${join(rest.slice(0, -1))}`)
    if (['you', 'me', 'us', 'them', 'people', 'students', 'it'].includes(restL[0]!) || PREPOSITIONS.has(restL[0]!) || PARTICLES.has(restL[0]!) || ADJECTIVES.has(restL[0]!)) {
      return specific(`How ${aux} ${sub} ${verbRaw} ${join(trimIntensifiers(rest))}`)
    }
    return specific(`What ${aux} ${sub} ${verbRaw} in terms of ${join(trimIntensifiers(rest))}`)
  }
  const obj = OBJECT[p.pronoun!] ?? 'you'
  const adverbs = p.adverbs.filter((a) => a !== 'not' && a !== 'ever')
  switch (verb) {
    case 'like':
    case 'love':
    case 'enjoy':
    case 'miss':
      if (restL[0] === 'to') return specific(`What ${aux} ${subject} ${join(adverbs)} ${verb} most about ${gerundPhrase(rest.slice(1))}`)
      return specific(`What ${aux} ${subject} ${join(adverbs)} ${verb} most about ${join(rest)}`)
    case 'dislike':
    case 'hate':
    case 'mind':
      return specific(`What ${aux} ${subject} find hardest about ${join(rest)}`)
    case 'prefer':
      return specific(`How ${aux} ${subject} feel about ${restL[0] === 'to' ? gerundPhrase(rest.slice(1)) : join(rest)}`)
    case 'think':
    case 'believe':
    case 'reckon':
    case 'suppose':
    case 'agree':
    case 'say':
    case 'expect':
    case 'feel': {
      if (verb === 'feel' && !['that', 'like', 'you', 'I', 'i', 'it', 'there', 'we', 'they'].includes(restL[0] ?? '')) {
        if (p.adverbs.includes('ever')) return specific(`How often ${aux} ${subject} feel ${join(rest)}, and ${past ? 'what was' : "what's"} that like`)
        return specific(`What ${past ? 'made' : 'makes'} ${obj} feel ${join(rest)} (or not)`)
      }
      if (verb === 'expect' && restL[0] === 'to') break
      const clause = restL[0] === 'that' || restL[0] === 'with' ? rest.slice(restL[0] === 'with' && restL[1] === 'that' ? 2 : 1) : rest
      return specific(clauseSuggestion(join(clause)))
    }
    case 'regret':
      return specific(`How ${past ? 'did' : 'do'} ${subject} feel about ${join(rest)}, looking back`)
    case 'know':
    case 'realize':
    case 'realise':
      if (past && !isWh(restL[0]) && restL[0] !== 'anyone' && restL[0] !== 'anything') return specific(`When did ${subject} first ${verb} ${join(rest)}`)
      if (isWh(restL[0])) return specific(`What can you tell me about ${join(rest)}`)
      break
    case 'need':
      return specific(restL[0] === 'to' ? `How important is it to ${join(rest.slice(1))}` : `How important is ${join(rest)}`)
    case 'recommend':
    case 'suggest':
      // "Could you recommend a book about X?" → "What book about X would you recommend?"
      if (['a', 'an', 'some'].includes(restL[0] ?? '') && rest.length > 1) return specific(`What ${join(rest.slice(1))} would you ${verb}`)
      return specific(`What would you tell someone considering ${restL[0] === 'to' ? gerundPhrase(rest.slice(1)) : join(rest)}`)
    case 'get':
      if (FEELINGS.has(restL[0] ?? '') || ['burned', 'burnt', 'lonely', 'overwhelmed'].includes(restL[0] ?? '')) {
        const topic = ['of', 'with', 'about', 'by'].includes(restL[1] ?? '') ? rest.slice(2) : rest.slice(1)
        return specific(topic.length ? `How ${aux} ${subject} deal with ${join(topic)}` : `How ${aux} ${subject} deal with feeling ${join(rest)}`)
      }
      break
    case 'have':
      if (restL[0] === 'to') return specific(`How often ${aux} ${subject} have to ${join(rest.slice(1))}`)
      return generic(`What can you tell me about ${gerundPhrase(t.slice(p.after))}`)
    case 'want':
    case 'plan':
    case 'hope':
    case 'intend':
    case 'expect':
      if (restL[0] === 'to') {
        if (past) return specific(`What made ${obj} want to ${join(rest.slice(1))}`)
        return specific(`What are ${POSSESSIVE[p.pronoun!] ?? 'your'} thoughts on ${gerundPhrase(rest.slice(1))}`)
      }
      break
  }
  if (p.adverbs.includes('ever') && !MODAL.has(aux)) {
    return specific(`How often ${aux} ${subject} ${join(t.slice(p.after))}, and ${past ? 'what was' : "what's"} that like`)
  }
  // "Do you travel a lot for work?" → "How much do you travel for work?"
  const trimmed = trimIntensifiers(rest)
  if (!MODAL.has(aux) && trimmed.length < rest.length && restL.some((w, i) => w === 'lot' || (w === 'much' && i === restL.length - 1))) {
    return specific(`How much ${aux} ${subject} ${verbRaw} ${join(trimmed)}`)
  }
  if (aux === 'would' || aux === 'will') {
    if (verb === 'be' && /ing$/.test(restL[0] ?? '') && ingBase(restL[0]!)) return specific(`What would make ${obj} ${ingBase(restL[0]!)} ${join(rest.slice(1))}`)
    if (verb === 'be') return specific(`What would make ${obj} ${join(rest)}`)
    return specific(`What would make ${obj} ${join(t.slice(p.after))}`)
  }
  if ((aux === 'should' || aux === 'shall') && (subject === 'I' || subject === 'we')) return specific(`How would you weigh ${gerundPhrase(t.slice(p.after))}`)
  if ((aux === 'can' || aux === 'could' || aux === 'may' || aux === 'might') && (subject === 'I' || subject === 'we')) {
    return specific(`What would it take for ${obj} to ${join(t.slice(p.after))}`)
  }
  if (past && CHOICE_VERBS.has(verb)) return specific(`What led ${obj} to ${join(adverbs.filter((a) => a !== 'always'))} ${join(t.slice(p.after))}`)
  if (t.length <= p.after) return generic(`What can you tell me about that`)
  if (past) return generic(`What was it like to ${join(t.slice(p.after))}`)
  return generic(`What can you tell me about ${gerundPhrase(t.slice(p.after))}`)
}

/** "Do you think (that) …?": rephrase the clause when it has a known shape, else ask for a take on it. */
function clauseSuggestion(clause: string): string {
  const order = toQuestionOrder(tokens(clause))
  if (order) {
    const reordered = order.words
    const l = reordered.map((w) => w.toLowerCase())
    const p = parse(auxOf(l[0])!, reordered, l, order.subjectEnd)
    const options = choice(p)
    if (options) return options.suggestion
    const built = rephrase(p)
    if (built.specific) return built.text
  }
  return `What's your take on whether ${clause}, and why`
}

/** A declarative question ("You started as an intern?") or an embedded one ("…if the company offers mentorship"). */
export function declarativeSuggestion(clause: string): string {
  const t = tokens(clause)
  const order = toQuestionOrder(t)
  if (order) {
    const reordered = order.words
    const l = reordered.map((w) => w.toLowerCase())
    const aux = auxOf(l[0])!
    const p = parse(aux, reordered, l, order.subjectEnd)
    const options = choice(p)
    if (options) return options.suggestion
    const anyAt = l.findIndex((w, i) => i >= p.after && ANY_WORDS.has(w))
    return anyAt >= 0 ? anyQuestion(p, anyAt) : rephrase(p).text
  }
  return `What can you tell me about how ${join(t.map(lowerFunctionWordAt))}`
}
