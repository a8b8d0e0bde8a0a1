// Reading one sentence: leading fillers and lead-ins, then the kind of question it is.
import { anyFragment } from './any.js'
import { auxQuestion } from './auxiliary.js'
import { listedOptions, optionsAround } from './choices.js'
import { ANY_WORDS, auxOf, FILLER_RE, IRREGULAR_PAST, isWh, LEAD_IN_RE, NOUNY, PREPOSITIONS, PRONOUNS, SUBJECT_CONTRACTIONS } from './lexicon.js'
import { verbBase } from './morphology.js'
import { declarativeSuggestion } from './rephrase.js'
import { embeddedYesNo, interest, requestAt } from './requests.js'
import { capitalize, closed, quoteList, type Verdict } from './text.js'
import { lowerWords, tokens } from './tokens.js'

function stripLead(s: string): string {
  return splitLead(s).body
}

/** Sets aside fillers ("So,", "And") and lead-in clauses ("If you could go back,"); the lead-ins are kept for the rephrasing. */
function splitLead(s: string): { lead: string; body: string } {
  let lead = ''
  for (;;) {
    const before = s
    s = s.replace(FILLER_RE, '')
    const clause = LEAD_IN_RE.exec(s)
    if (clause) {
      const l = lowerWords(clause[0])
      // "When did you…" is a question, "In what ways, if any, …" too: only a real lead-in is set aside.
      const isQuestion = isWh(l[0]) || (PREPOSITIONS.has(l[0] ?? '') && isWh(l[1])) || (l[0] === 'when' && auxOf(l[1]) !== undefined)
      if (!isQuestion && clause[0].length < s.length) {
        lead += clause[0]
        s = s.slice(clause[0].length)
      }
    }
    if (s === before) return { lead: lead.trim(), body: s }
  }
}

export function analyzeSentence(sentence: string): Verdict {
  const question = /\?[?!.\s]*$/.test(sentence)
  const { lead, body } = splitLead(sentence.replace(/[?!.…]+\s*$/, '').trim())
  const verdict = analyzeBody(sentence, body, question)
  if (verdict.kind !== 'closed' || !lead) return verdict
  // "If you could go back, would you…?" → "If you could go back, what would…?"
  return { ...verdict, suggestion: `${capitalize(lead)} ${verdict.suggestion.charAt(0).toLowerCase()}${verdict.suggestion.slice(1)}` }
}

function analyzeBody(sentence: string, body: string, question: boolean): Verdict {
  const t = tokens(body)
  const l = t.map((w) => w.toLowerCase())
  const first = l[0]
  if (first === undefined) return { kind: 'statement' }

  // 1. Wh-questions ("What if…", "How come…", "To what extent…"): open, unless they list the options.
  if (isWh(first) || (PREPOSITIONS.has(first) && isWh(l[1]))) {
    const options = listedOptions(body)
    if (options) {
      return closed(`It asks to choose between given options (${quoteList(options)}), so naming one of them is a complete answer.`, `How do you think about ${options.join(' versus ')}?`)
    }
    return { kind: 'open' }
  }

  // 2. Prompts: "Tell me about…", "Walk me through…", "I'd love to hear how…".
  const start = first === "let's" ? 1 : first === 'let' && ['me', 'us'].includes(l[1] ?? '') ? 2 : 0
  const prompt = requestAt(l, start, false, false) ?? interest(l)
  if (prompt?.verdict === 'open') return { kind: 'open' }
  if (prompt) return embeddedYesNo(t, l, prompt)

  // 3-5. Auxiliary first: closed unless it wraps a polite request.
  if (auxOf(first) !== undefined) return auxQuestion(t, l)
  // "Mind if I ask…?", "Care to elaborate?": "Do you" / "Would you" left out.
  if (first === 'mind' || (first === 'care' && l[1] === 'to')) {
    const aux = first === 'mind' ? 'Do' : 'Would'
    return auxQuestion([aux, 'you', ...t], [aux.toLowerCase(), 'you', ...l])
  }

  // 4. "Any advice for…?", "Anything else I should know?": short for "Do you have…" / "Is there…".
  if (ANY_WORDS.has(first)) {
    return closed(`"${capitalize(t[0]!)}…?" is short for "Is there…" or "Do you have…", so "no" is a complete answer.`, anyFragment(t, l))
  }

  // 6. Declarative questions and tags.
  const tag = /,\s*(right|correct|yes|yeah|no|true|ok|okay|isn't it|is it|aren't (?:you|they|there)|don't (?:you|they)|doesn't it|didn't (?:you|it)|wasn't it|won't it|can't you|haven't you|hasn't it|wouldn't you|shouldn't I|or not)\s*[?!.]*\s*$/i.exec(sentence)
  if (tag) {
    const clause = stripLead(sentence.slice(0, tag.index).trim())
    return closed(`It ends with "${tag[1]}", which asks for agreement: "yes" or "no" is a complete answer.`, declarativeSuggestion(clause))
  }
  if (!question) return { kind: 'statement' }
  if (!hasVerb(l) && !SUBJECT_CONTRACTIONS[first] && !(PRONOUNS.has(first) && first !== 'this' && first !== 'that')) {
    // "Your favourite part of the job?" reads as "What is…?"; "Coffee or tea?" is a choice.
    const options = optionsAround(t, l, 0)
    if (options) return closed(`It asks to choose between given options (${quoteList(options)}), so naming one of them is a complete answer.`, `How do you think about ${options.join(' versus ')}?`)
    return { kind: 'open' }
  }
  return closed('It is a statement with a question mark, asking for confirmation: "yes" or "no" is a complete answer.', declarativeSuggestion(body))
}

function hasVerb(l: string[]): boolean {
  return l.some((w, i) => auxOf(w) !== undefined || SUBJECT_CONTRACTIONS[w] !== undefined || (i > 0 && verbBase(w) !== undefined && !NOUNY.has(w)) || IRREGULAR_PAST[w] !== undefined)
}
