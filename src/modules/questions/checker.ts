// Flags closed questions and suggests an open-ended rephrasing. Informational interviews go best
// with open questions ("What…", "How…", "Tell me about…", "Walk me through…"); a closed one can be
// answered completely with a yes, a no, or by picking one of the options it offers.
//
// The rules, applied to each sentence of the text (after leading fillers such as "So,", "And",
// "Okay,", "Please" and lead-in clauses such as "Looking back," or "If you could start over," are set
// aside; a question mark is not required and case does not matter):
//
//  1. A wh-word first ("What", "How", "Why", "Which", "What if", "How come", "To what extent", "At what
//     point"…) is OPEN, unless the question ends by listing the options to choose from ("Which is
//     better, a degree or a bootcamp?"), which makes it a CHOICE, i.e. closed.
//  2. An imperative prompt ("Tell me about…", "Describe…", "Walk me through…", "Help me understand…")
//     or the speaker's stated interest ("I'd love to hear how…", "I'm curious about…") is OPEN,
//     unless what it asks to hear is a yes/no ("Tell me if…", "I was wondering whether…").
//  3. An auxiliary or modal verb first ("Do you…", "Is it…", "Would you…", "Have you ever…", and the
//     negative forms "Don't you…", "Isn't it…") is CLOSED: a bare "yes" or "no" answers it — with one
//     exception, the polite request. When the auxiliary only wraps a request to tell, describe,
//     explain, walk through, share, give an example… ("Can you describe a typical day?", "Could you
//     tell me about…", "Would you mind walking me through…", "May I ask how…"), the question means
//     "Please describe…": nobody answers it with "Yes." It is OPEN. "Can you work from home?" is not
//     such a request and stays closed, as are requests to say *whether* something holds ("Could you
//     tell me if…") and to confirm a label ("Would you describe the culture as competitive?").
//  4. The test behind rule 3 decides the borderline invitations too: "Is there anything you wish you
//     had known?", "Do you have any advice…?", "Any tips…?", "Do you know anyone…?" are CLOSED,
//     because "No" (or "Not really") is a complete, polite answer to each. They are the questions the
//     rephrasing helps most: "What do you wish you had known?" cannot be brushed off that way.
//  5. An "or" between options in a closed question makes it a CHOICE ("Do you prefer A or B?",
//     "Would you rather…", "Is it better to A or B?"); "…or not?" is only a yes/no.
//  6. Otherwise a sentence that ends with "?" is a declarative question asking for confirmation
//     ("You started as an intern?", "It's competitive, isn't it?", tags such as ", right?"): CLOSED.
//     A bare noun phrase with "?" ("Your favourite part of the job?") is an elliptical "What is…?":
//     OPEN. A sentence without "?" that matches none of the rules is a statement, not a question.
//
// A text of several sentences is open when any of them is open ("What was your first job? Did you
// like it?" already gets a full answer); it is closed when it has a closed question and no open one,
// and the suggestion then rephrases each closed sentence and keeps the others as they are.
//
// Rephrasing drops the auxiliary and rebuilds the question around its own words with a few templates:
// "Do you like X?" → "What do you like most about X?"; "Is it hard to X?" → "What makes it hard (or
// easy) to X?"; "Would you recommend X?" → "What would you tell someone considering X?"; a choice →
// "How do you think about A versus B?"; "Is there anything you wish…" → "What do you wish…"; and,
// when nothing more specific fits, "What can you tell me about <doing the thing>?". A lead-in clause
// is kept ("If you could go back, what would make you…?"). The word lists below are deliberately
// small: the checker is a hint for students, not a parser, and an unusual sentence gets a plainer
// rephrasing rather than a wrong verdict in the common cases (see test/question-checker.test.ts).

export interface QuestionCheck {
  text: string
  closed: boolean
  reason: string | null
  suggestion: string | null
}

export function checkQuestion(text: string): QuestionCheck {
  const trimmed = text.trim().replace(/\s+/g, ' ')
  const sentences = splitSentences(normalize(trimmed))
  const verdicts = sentences.map(analyzeSentence)
  const closedOnes = verdicts.filter((v): v is Closed => v.kind === 'closed')
  if (verdicts.some((v) => v.kind === 'open') || closedOnes.length === 0) {
    return { text: trimmed, closed: false, reason: null, suggestion: null }
  }
  const parts = sentences.map((s, i) => {
    const v = verdicts[i]!
    return v.kind === 'closed' ? v.suggestion : s
  })
  let suggestion = parts.join(' ')
  // The API allows 600 characters: keep only the rephrased questions if the context makes it longer.
  if (suggestion.length > 600) suggestion = closedOnes.map((v) => v.suggestion).join(' ')
  if (suggestion.length > 600) suggestion = closedOnes[closedOnes.length - 1]!.suggestion.slice(-600)
  const first = closedOnes[0]!
  return { text: trimmed, closed: true, reason: first.reason.slice(0, 300), suggestion }
}

export function checkQuestions(texts: string[]): QuestionCheck[] {
  return texts.map(checkQuestion)
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean))

const WH = words('what how why where when who whom whose which whatever whichever whats hows whys wheres whos')
const isWh = (w: string | undefined): boolean =>
  w !== undefined && (WH.has(w) || /^(what|how|why|where|when|who|which)'(s|re|d|ll|ve)$/.test(w))

/** Auxiliaries and modals, with the negative contractions mapped to the positive form. */
const AUX: Record<string, string> = {}
for (const a of 'do does did is are was were am have has had can could will would should shall may might must'.split(' ')) AUX[a] = a
Object.assign(AUX, {
  "don't": 'do', "doesn't": 'does', "didn't": 'did', "isn't": 'is', "aren't": 'are', "wasn't": 'was', "weren't": 'were',
  "haven't": 'have', "hasn't": 'has', "hadn't": 'had', "can't": 'can', cannot: 'can', "couldn't": 'could', "won't": 'will',
  "wouldn't": 'would', "shouldn't": 'should', "mightn't": 'might', "mustn't": 'must', "shan't": 'shall', "ain't": 'is',
  dont: 'do', doesnt: 'does', didnt: 'did', isnt: 'is', arent: 'are', wasnt: 'was', werent: 'were', havent: 'have',
  hasnt: 'has', cant: 'can', couldnt: 'could', wont: 'will', wouldnt: 'would', shouldnt: 'should',
})
const auxOf = (w: string | undefined) => (w === undefined ? undefined : AUX[w])
const BE = words('is are was were am')
const MODAL = words('can could will would should shall may might must')

const PRONOUNS = words('you i we they he she it there this that these those u ya')
/** Subjects parsed as pronouns; "this", "that", "these", "those" may be determiners and go through the noun-phrase parser. */
const PERSONAL = words('you i we they he she it there u ya')
const OBJECT: Record<string, string> = { you: 'you', u: 'you', ya: 'you', i: 'me', we: 'us', they: 'them', he: 'him', she: 'her', it: 'it' }
const POSSESSIVE: Record<string, string> = { you: 'your', u: 'your', ya: 'your', i: 'my', we: 'our', they: 'their', he: 'his', she: 'her' }
/** "you're" → are you; "it's" → is it: contractions that open a declarative question or a relative clause. */
const SUBJECT_CONTRACTIONS: Record<string, [string, string]> = {
  "you're": ['are', 'you'], "you've": ['have', 'you'], "you'd": ['would', 'you'], "you'll": ['will', 'you'],
  "i'm": ['am', 'I'], "i've": ['have', 'I'], "i'd": ['would', 'I'], "i'll": ['will', 'I'],
  "we're": ['are', 'we'], "we've": ['have', 'we'], "we'd": ['would', 'we'], "we'll": ['will', 'we'],
  "they're": ['are', 'they'], "they've": ['have', 'they'], "they'd": ['would', 'they'], "they'll": ['will', 'they'],
  "it's": ['is', 'it'], "it'll": ['will', 'it'], "that's": ['is', 'that'], "there's": ['is', 'there'],
  "he's": ['is', 'he'], "she's": ['is', 'she'], "he'd": ['would', 'he'], "she'd": ['would', 'she'],
}

/** Particles of phrasal verbs ("burn out", "get along"). */
const PARTICLES = words('out up off down away back along together ahead around')
const PREPOSITIONS = words('about for on in at to with from of into through by over under during between among after before without within across toward towards around as like')
const DETERMINERS = words('the a an your my our their his her its this that these those some most many much more few several every each all both no other another any')
const RELATIVIZERS = words('that which who whom')
const CONJUNCTIONS = words('and or but if because since while though although unless until once so')
const ANY_WORDS = words('any anything anyone anybody anywhere')
const MID_ADVERBS = words('ever always still really usually often sometimes also actually personally honestly generally typically normally already just even currently now truly ever')
const DEGREE = words('very really so too pretty quite fairly more less most least particularly especially extremely super mostly mainly largely usually generally typically often always still')
const INTENSIFIERS_AT_END = ['a lot', 'much', 'at all', 'very much', 'that much', 'well', 'really']

/** Verbs (base forms) that the parser needs to recognise; words also used as nouns are in NOUNY. */
const VERBS = words(`
  be do have get go make take give use see say tell know think feel find want need like love enjoy hate dislike prefer
  mind believe reckon suppose expect agree hope plan intend wish regret remember forget learn study teach train prepare
  practice practise work start begin stop quit leave stay move change switch become apply pursue join travel spend earn
  pay cost offer hire require matter affect replace grow miss manage lead write read build design code sell meet talk
  speak deal handle face struggle balance commute relocate negotiate interview network volunteer intern graduate major
  specialize specialise improve develop afford fit belong count help support mentor shadow visit call email contact
  reach come return retire burn try keep let allow look seem sound happen include involve last bring put run set sit
  stand choose pick decide consider recommend suggest worry care lose win fail succeed earn save invest enter transfer
  promote report answer ask explain describe share walk show follow live check attend complete finish continue provide
  create solve test teach serve treat fix sell buy hold own rely depend focus specialize collaborate compete push mean
  value regret recommend ever own get feel cover accept reject expect grow shift evolve transition adapt adjust value
  hire fire lay pay offer match reimburse sponsor fund encourage expect discourage exist benefit outweigh
`)
const NOUNY = words('work study design travel pay change support network code plan interview research help shift transfer report test cost value fund')
const IRREGULAR_PAST: Record<string, string> = {
  went: 'go', gone: 'go', got: 'get', gotten: 'get', had: 'have', did: 'do', done: 'do', made: 'make', took: 'take',
  taken: 'take', knew: 'know', known: 'know', thought: 'think', felt: 'feel', found: 'find', left: 'leave', chose: 'choose',
  chosen: 'choose', became: 'become', began: 'begin', begun: 'begin', came: 'come', gave: 'give', given: 'give', said: 'say',
  told: 'tell', spent: 'spend', met: 'meet', ran: 'run', taught: 'teach', wrote: 'write', written: 'write', built: 'build',
  led: 'lead', paid: 'pay', sold: 'sell', kept: 'keep', brought: 'bring', bought: 'buy', saw: 'see', seen: 'see', grew: 'grow',
  grown: 'grow', heard: 'hear', understood: 'understand', won: 'win', lost: 'lose', meant: 'mean', sent: 'send', stood: 'stand',
  fell: 'fall', held: 'hold', been: 'be', quit: 'quit', put: 'put', set: 'set', read: 'read', burnt: 'burn', learnt: 'learn',
}
const PARTICIPLE_ONLY = words('been gone done taken known chosen given written seen grown begun gotten')

const ADJECTIVES = words(`
  hard easy difficult tough good bad great nice fair decent okay ok common rare important necessary essential required
  needed crucial vital mandatory worth worthwhile stressful competitive flexible stable secure fun rewarding fulfilling
  demanding challenging boring interesting exciting typical normal usual possible impossible likely unlikely realistic long
  short high low enough valuable useful helpful relevant true false different similar better worse best easier harder
  remote hybrid friendly supportive collaborative formal relaxed strict diverse inclusive safe dangerous physical creative
  repetitive lonely social busy quiet open available lucrative satisfying exhausting intense toxic healthy crowded
  saturated growing shrinking changing stressful overwhelming manageable sustainable risky expensive cheap affordable
  popular respected underpaid overpaid competitive hierarchical political predictable unpredictable fast slow steady
  tiring draining isolating independent individual collaborative global local technical hands-on well-paid
`)
const IMPORTANCE = words('necessary required needed essential important crucial vital mandatory')
const EVALUATIVE = words('good bad fair decent okay ok great nice')
const FEELINGS = words(`
  happy unhappy satisfied dissatisfied glad content excited worried nervous comfortable uncomfortable scared afraid proud
  stressed fulfilled bored confident passionate interested anxious frustrated tired disappointed surprised sure certain
`)
const ANTONYM: Record<string, string> = {
  hard: 'easy', difficult: 'easy', tough: 'easy', easy: 'hard', common: 'rare', rare: 'common', long: 'short', short: 'long',
  high: 'low', low: 'high', good: 'bad', bad: 'good', possible: 'not', likely: 'not', stable: 'not', competitive: 'not',
}
/** Verbs of choosing: "Did you study X?" → "What led you to study X?" */
const CHOICE_VERBS = words('study choose pick go move decide switch change major leave join start become apply pursue enter quit take transfer specialize specialise focus')

/** A request to speak at length: the verbs that make "Can you …" a polite imperative. */
const REQUEST_VERBS = words(`
  tell describe explain walk talk share elaborate expand say speak go take paint outline summarize summarise discuss
  recount list name give help think show sketch clarify detail compare contrast reflect characterize characterise break
  illustrate
`)
const GIVE_OBJECTS = words('example examples overview sense idea picture rundown breakdown description summary advice tips insight insights tour account glimpse feel flavor flavour taste run-through walkthrough story stories background')
const INTEREST = words('love like hear know learn understand curious interested wonder wondering wondered keen eager want wanted hoping hope ask asking explore discuss talk chat')

const FILLERS = [
  'so', 'and', 'but', 'also', 'okay', 'ok', 'well', 'now', 'alright', 'all right', 'right', 'um+', 'uh+', 'hmm+', 'oh', 'yeah',
  'great', 'thanks', 'thank you', 'cool', 'finally', 'lastly', 'next', 'first', 'second', 'third', 'besides', 'plus', 'anyway',
  'anyways', 'actually', 'honestly', 'personally', 'then', 'sorry', 'hi', 'hello', 'hey', 'please', 'out of curiosity',
  'just curious', 'one more thing', 'one last thing', 'one (?:more|last|final|quick|other) question', '(?:a )?quick question',
  'another question', 'my (?:next|last|final) question(?: is)?', 'i have a question', 'just', 'first of all', 'similarly',
  'in addition', 'related to that', 'on that note', 'speaking of which',
]
/** A filler is dropped when punctuation follows it, or when the question proper starts right after it. */
const FILLER_RE = new RegExp(`^(?:${FILLERS.join('|')})(?:\\s*[,:;.!…—–]+\\s*|\\s*-\\s+|\\s+(?=(?:${[...WH, ...Object.keys(AUX), ...REQUEST_VERBS, ...PERSONAL, ...Object.keys(SUBJECT_CONTRACTIONS), 'any', 'anything', 'anyone', 'if', 'when', 'tell', 'please'].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b))`, 'i')
/** Lead-in clauses: "Looking back, …", "If you could start over, …", "In your experience, …", "Realistically, …". */
const LEAD_IN_RE = /^(?:if|when|whenever|since|as|after|before|while|once|given|looking|thinking|compared|besides|beyond|apart|aside|other than|in|for|from|at|during|with|without|now that|based|speaking|having|being|considering|outside|unlike|out of|of all|today|nowadays|these days|in general|overall|\w+ly)\b[^,?]*,\s*/i

// ---------------------------------------------------------------------------------------------
// Sentences

type Closed = { kind: 'closed'; reason: string; suggestion: string }
type Verdict = { kind: 'open' } | { kind: 'statement' } | Closed

function normalize(s: string): string {
  if (!/\p{Ll}/u.test(s)) s = s.toLowerCase()
  return s
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/[“”"«»]/g, '')
    .replace(/\bi\b/g, 'I')
    .replace(/\bi'(m|d|ve|ll)\b/g, "I'$1")
}

const ABBREVIATIONS = words('dr mr mrs ms prof st vs etc e.g i.e ph.d u.s u.k inc ltd jr sr co corp dept approx mba m.b.a b.a b.s m.s m.a')

function splitSentences(s: string): string[] {
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

/** Words without surrounding punctuation (apostrophes and hyphens inside a word are kept). */
function tokens(s: string): string[] {
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
const lowerWords = (s: string) => tokens(s).map((w) => w.toLowerCase())

function analyzeSentence(sentence: string): Verdict {
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

function closed(reason: string, suggestion: string): Closed {
  return { kind: 'closed', reason, suggestion: finish(suggestion) }
}

/** Tidy a built question: one space, a capital, no dangling commas, one question mark. */
function finish(s: string): string {
  const tidy = s
    .replace(/\s+/g, ' ')
    .replace(/\s+([,?])/g, '$1')
    .replace(/[\s,;:.!?]+$/, '')
    .trim()
  return capitalize(tidy) + '?'
}
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const join = (...parts: Array<string | string[] | undefined | false>) =>
  parts
    .flat()
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .join(' ')

function quoteList(options: string[]): string {
  const short = options.map((o) => `"${o.length > 60 ? o.slice(0, 57) + '…' : o}"`)
  return short.length === 2 ? `${short[0]} or ${short[1]}` : `${short.slice(0, -1).join(', ')} or ${short[short.length - 1]}`
}

function hasVerb(l: string[]): boolean {
  return l.some((w, i) => auxOf(w) !== undefined || SUBJECT_CONTRACTIONS[w] !== undefined || (i > 0 && verbBase(w) !== undefined && !NOUNY.has(w)) || IRREGULAR_PAST[w] !== undefined)
}

// ---------------------------------------------------------------------------------------------
// Requests and prompts

type Request = { verdict: 'open' } | { verdict: 'if'; at: number } | { verdict: 'as'; at: number; as: number }

/** Is l[i] a verb asking the listener to speak at length ("tell me about", "walk me through")? */
function requestAt(l: string[], i: number, gerund = false, wrapped = true): Request | null {
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
function interest(l: string[]): Request | null {
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
function politeRequest(l: string[]): Request | null {
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
function embeddedYesNo(t: string[], l: string[], request: Request): Closed {
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

// ---------------------------------------------------------------------------------------------
// Auxiliary-first questions

interface Parse {
  aux: string
  t: string[]
  l: string[]
  /** Index of the first word after the subject (and any "not", "ever", "still"…). */
  after: number
  subject: string[]
  /** The subject in lower case when it is a pronoun ("you", "it", "there"), else undefined. */
  pronoun: string | undefined
  adverbs: string[]
}

function auxQuestion(t: string[], l: string[]): Verdict {
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

function parse(aux: string, t: string[], l: string[], knownSubjectEnd?: number): Parse {
  let k = 1
  let pronoun: string | undefined
  let subject: string[]
  if (knownSubjectEnd !== undefined && !PERSONAL.has(l[1] ?? '')) {
    k = knownSubjectEnd
    subject = t.slice(1, k)
  } else if (l[1] !== undefined && PERSONAL.has(l[1])) {
    pronoun = l[1] === 'u' || l[1] === 'ya' ? 'you' : l[1]
    subject = [pronoun === 'i' ? 'I' : pronoun]
    k = 2
    if (l[2] === 'all' && ['you', 'we', 'they'].includes(pronoun)) k = 3
  } else {
    const end = subjectEnd(aux, l)
    k = end > 1 ? end : l.length
    subject = t.slice(1, k)
  }
  const adverbs: string[] = []
  while (l[k] !== undefined && (MID_ADVERBS.has(l[k]!) || l[k] === 'not')) adverbs.push(l[k++]!)
  return { aux, t, l, after: k, subject, pronoun, adverbs }
}

/** Where a noun-phrase subject ends: at the predicate of "be", the verb of "do"/modals, the participle of "have". */
function subjectEnd(aux: string, l: string[]): number {
  for (let k = 2; k < Math.min(l.length, 8); k++) {
    const w = l[k]!
    if (MID_ADVERBS.has(w) || w === 'not') return k
    if (BE.has(aux)) {
      if (ADJECTIVES.has(w) || DEGREE.has(w) || w === 'a' || w === 'an' || w === 'the' || (PREPOSITIONS.has(w) && w !== 'of') || isParticiple(w)) return k
      if (/ing$/.test(w) && (k === l.length - 1 || PREPOSITIONS.has(l[k + 1]!) || DETERMINERS.has(l[k + 1]!))) return k
    } else if (aux === 'have' || aux === 'has' || aux === 'had') {
      if (isParticiple(w)) return k
    } else if (verbBase(w) !== undefined && !(NOUNY.has(w) && verbBase(l[k + 1]) !== undefined) && !DETERMINERS.has(w)) {
      return k
    }
  }
  return -1
}

interface Built {
  text: string
  /** False when only the generic "What can you tell me about…" fitted. */
  specific: boolean
}
const specific = (text: string): Built => ({ text, specific: true })
const generic = (text: string): Built => ({ text, specific: false })

function rephrase(p: Parse): Built {
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
function declarativeSuggestion(clause: string): string {
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

/** "you started as an intern" → "did you start as an intern"; "it's hard to…" → "is it hard to…". */
function toQuestionOrder(t: string[]): { words: string[]; subjectEnd: number } | null {
  const l = t.map((w) => w.toLowerCase())
  const first = l[0]
  if (first === undefined) return null
  const order = (words: string[], subjectEnd = 2) => ({ words, subjectEnd })
  const contraction = SUBJECT_CONTRACTIONS[first]
  if (contraction) return order([contraction[0], contraction[1], ...t.slice(1)])
  if (PRONOUNS.has(first) && l[1] !== undefined) {
    const subject = first === 'i' ? 'I' : first
    if (auxOf(l[1]) !== undefined) return order([l[1], subject, ...t.slice(2)])
    const verb = l[1]
    const past = IRREGULAR_PAST[verb] !== undefined || /ed$/.test(verb)
    const base = verbBase(verb) ?? verb
    if (past) return order(['did', subject, base, ...t.slice(2)])
    if (['he', 'she', 'it', 'this', 'that'].includes(first) && /s$/.test(verb)) return order(['does', subject, base, ...t.slice(2)])
    return order(['do', subject, verb, ...t.slice(2)])
  }
  // A noun-phrase subject: "your first job was in sales", "the company offers mentorship",
  // "the work you do with clients is worth it" (the verb of a relative clause is skipped).
  for (let k = 1; k < Math.min(l.length, 14); k++) {
    const w = l[k]!
    if (PERSONAL.has(l[k - 1]!)) continue
    const np = t.slice(0, k).map(lowerFunctionWordAt)
    if (auxOf(w) !== undefined) return order([w, ...np, ...t.slice(k + 1)], k + 1)
    const contracted = /^(.+)'s$/.exec(w)
    if (contracted && (ADJECTIVES.has(l[k + 1] ?? '') || DEGREE.has(l[k + 1] ?? ''))) {
      return order(['is', ...np, t[k]!.slice(0, -2), ...t.slice(k + 1)], k + 2)
    }
    const base = verbBase(w)
    if (base !== undefined && !NOUNY.has(w) && w !== base) {
      const past = IRREGULAR_PAST[w] !== undefined || /ed$/.test(w)
      return order([past ? 'did' : 'does', ...np, base, ...t.slice(k + 1)], k + 1)
    }
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Choices

/** "Which is better, a degree or a bootcamp?": options listed after a comma, colon or dash. */
function listedOptions(body: string): string[] | null {
  const m = /[,:;—–]\s*([^,:;—–]+(?:,\s*[^,:;—–]+)*)$/.exec(body.replace(/\s-\s/g, ' — '))
  if (!m) return null
  const segment = m[1]!.trim()
  if (/^(or|and|if|when|but|because|so)\b/i.test(segment) || !/\sor\s/i.test(segment) || /\bor not$/i.test(segment)) return null
  const options = segment.split(/\s*,\s*(?:or\s+)?|\s+or\s+/i).map((o) => o.trim()).filter(Boolean)
  if (options.length < 2 || options.some((o) => o.split(' ').length > 6 || isWh(o.split(' ')[0]!.toLowerCase()) || auxOf(o.split(' ')[0]!.toLowerCase()) !== undefined)) return null
  return options
}

/** Options around "or" in a bare fragment ("Coffee or tea?"). */
function optionsAround(t: string[], l: string[], from: number): string[] | null {
  const or = l.indexOf('or', from)
  if (or <= from || or === l.length - 1 || l[or + 1] === 'not') return null
  return [join(t.slice(from, or)), join(t.slice(or + 1))]
}

const PREFERENCE_ANCHORS = words('prefer rather choose pick recommend like enjoy want suggest between')
const COMPARATIVE_ANCHORS = words('better best easier harder worse smarter wiser safer faster more less')

/** A closed question offering options: "Do you prefer A or B?", "Is it better to A or B?", "Did you A or B?". */
function choice(p: Parse): { options: string[]; suggestion: string } | null {
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

// ---------------------------------------------------------------------------------------------
// "Any…"

/** "Do you have any advice for…" → "What advice do you have for…"; "Is there anything you wish…" → "What do you wish…". */
function anyQuestion(p: Parse, at: number): string {
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
function anyFragment(t: string[], l: string[]): string {
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

// ---------------------------------------------------------------------------------------------
// Word forms

const FUNCTION_WORDS = new Set([...Object.keys(AUX), ...PRONOUNS, ...DETERMINERS, ...PREPOSITIONS, ...WH, 'not', 'and', 'or'])
/** Lower-case a sentence-initial function word ("Your company…" → "your company…"), keep names ("Google"). */
const lowerFunctionWord = (w: string) => (w !== 'I' && FUNCTION_WORDS.has(w.toLowerCase()) ? w.toLowerCase() : w)
const lowerFunctionWordAt = (w: string, i: number) => (i === 0 ? lowerFunctionWord(w) : w)

function trimIntensifiers(rest: string[]): string[] {
  let text = ` ${rest.join(' ')} `
  for (const phrase of INTENSIFIERS_AT_END) text = text.replace(new RegExp(` ${phrase}(?= )`, 'gi'), '')
  return text.trim().split(' ').filter(Boolean)
}

/** The base form of a verb the lexicon knows: "started" → "start", "offers" → "offer", "went" → "go". */
function verbBase(w: string | undefined): string | undefined {
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
function ingBase(w: string): string | undefined {
  const stem = w.slice(0, -3)
  return [stem, stem + 'e', stem.slice(0, -1)].find((c) => VERBS.has(c))
}

function isParticiple(w: string): boolean {
  return PARTICIPLE_ONLY.has(w) || IRREGULAR_PAST[w] !== undefined || (/ed$/.test(w) && verbBase(w) !== undefined)
}

function gerund(v: string): string {
  const irregular: Record<string, string> = { be: 'being', see: 'seeing', lie: 'lying', die: 'dying', quit: 'quitting', get: 'getting', put: 'putting', run: 'running', sit: 'sitting', set: 'setting', plan: 'planning', stop: 'stopping', shop: 'shopping', begin: 'beginning', win: 'winning', swim: 'swimming', cut: 'cutting', hit: 'hitting', let: 'letting', chat: 'chatting', forget: 'forgetting', admit: 'admitting', commit: 'committing', refer: 'referring', prefer: 'preferring', transfer: 'transferring' }
  const lower = v.toLowerCase()
  if (irregular[lower]) return irregular[lower]
  if (/ie$/.test(lower)) return lower.slice(0, -2) + 'ying'
  if (/[^aeiouy]e$/.test(lower) && lower !== 'be') return lower.slice(0, -1) + 'ing'
  return lower + 'ing'
}

/** "work from home" → "working from home"; a phrase that does not start with a verb is kept. */
function gerundPhrase(ws: string[]): string {
  const w = ws.filter((x, i) => !(i === 0 && x.toLowerCase() === 'to'))
  if (w.length === 0) return ''
  const head = w[0]!.toLowerCase()
  if (/ing$/.test(head)) return join(w)
  const base = verbBase(head)
  return base === undefined ? join(w) : join(gerund(base), w.slice(1))
}
