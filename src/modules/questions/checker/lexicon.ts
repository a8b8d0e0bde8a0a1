// The checker's vocabulary: question words, auxiliaries, pronouns, verbs, adjectives, fillers.

export const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean))

export const WH = words('what how why where when who whom whose which whatever whichever whats hows whys wheres whos')

export const isWh = (w: string | undefined): boolean =>
  w !== undefined && (WH.has(w) || /^(what|how|why|where|when|who|which)'(s|re|d|ll|ve)$/.test(w))

/** Auxiliaries and modals, with the negative contractions mapped to the positive form. */
export const AUX: Record<string, string> = {}
for (const a of 'do does did is are was were am have has had can could will would should shall may might must'.split(' ')) AUX[a] = a
Object.assign(AUX, {
  "don't": 'do', "doesn't": 'does', "didn't": 'did', "isn't": 'is', "aren't": 'are', "wasn't": 'was', "weren't": 'were',
  "haven't": 'have', "hasn't": 'has', "hadn't": 'had', "can't": 'can', cannot: 'can', "couldn't": 'could', "won't": 'will',
  "wouldn't": 'would', "shouldn't": 'should', "mightn't": 'might', "mustn't": 'must', "shan't": 'shall', "ain't": 'is',
  dont: 'do', doesnt: 'does', didnt: 'did', isnt: 'is', arent: 'are', wasnt: 'was', werent: 'were', havent: 'have',
  hasnt: 'has', cant: 'can', couldnt: 'could', wont: 'will', wouldnt: 'would', shouldnt: 'should',
})

export const auxOf = (w: string | undefined) => (w === undefined ? undefined : AUX[w])

export const BE = words('is are was were am')

export const MODAL = words('can could will would should shall may might must')

export const PRONOUNS = words('you i we they he she it there this that these those u ya')

/** Subjects parsed as pronouns; "this", "that", "these", "those" may be determiners and go through the noun-phrase parser. */
export const PERSONAL = words('you i we they he she it there u ya')

export const OBJECT: Record<string, string> = { you: 'you', u: 'you', ya: 'you', i: 'me', we: 'us', they: 'them', he: 'him', she: 'her', it: 'it' }

export const POSSESSIVE: Record<string, string> = { you: 'your', u: 'your', ya: 'your', i: 'my', we: 'our', they: 'their', he: 'his', she: 'her' }

/** "you're" → are you; "it's" → is it: contractions that open a declarative question or a relative clause. */
export const SUBJECT_CONTRACTIONS: Record<string, [string, string]> = {
  "you're": ['are', 'you'], "you've": ['have', 'you'], "you'd": ['would', 'you'], "you'll": ['will', 'you'],
  "i'm": ['am', 'I'], "i've": ['have', 'I'], "i'd": ['would', 'I'], "i'll": ['will', 'I'],
  "we're": ['are', 'we'], "we've": ['have', 'we'], "we'd": ['would', 'we'], "we'll": ['will', 'we'],
  "they're": ['are', 'they'], "they've": ['have', 'they'], "they'd": ['would', 'they'], "they'll": ['will', 'they'],
  "it's": ['is', 'it'], "it'll": ['will', 'it'], "that's": ['is', 'that'], "there's": ['is', 'there'],
  "he's": ['is', 'he'], "she's": ['is', 'she'], "he'd": ['would', 'he'], "she'd": ['would', 'she'],
}

/** Particles of phrasal verbs ("burn out", "get along"). */
export const PARTICLES = words('out up off down away back along together ahead around')

export const PREPOSITIONS = words('about for on in at to with from of into through by over under during between among after before without within across toward towards around as like')

export const DETERMINERS = words('the a an your my our their his her its this that these those some most many much more few several every each all both no other another any')

export const RELATIVIZERS = words('that which who whom')

export const CONJUNCTIONS = words('and or but if because since while though although unless until once so')

export const ANY_WORDS = words('any anything anyone anybody anywhere')

export const MID_ADVERBS = words('ever always still really usually often sometimes also actually personally honestly generally typically normally already just even currently now truly ever')

export const DEGREE = words('very really so too pretty quite fairly more less most least particularly especially extremely super mostly mainly largely usually generally typically often always still')

export const INTENSIFIERS_AT_END = ['a lot', 'much', 'at all', 'very much', 'that much', 'well', 'really']

/** Verbs (base forms) that the parser needs to recognise; words also used as nouns are in NOUNY. */
export const VERBS = words(`
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

export const NOUNY = words('work study design travel pay change support network code plan interview research help shift transfer report test cost value fund')

export const IRREGULAR_PAST: Record<string, string> = {
  went: 'go', gone: 'go', got: 'get', gotten: 'get', had: 'have', did: 'do', done: 'do', made: 'make', took: 'take',
  taken: 'take', knew: 'know', known: 'know', thought: 'think', felt: 'feel', found: 'find', left: 'leave', chose: 'choose',
  chosen: 'choose', became: 'become', began: 'begin', begun: 'begin', came: 'come', gave: 'give', given: 'give', said: 'say',
  told: 'tell', spent: 'spend', met: 'meet', ran: 'run', taught: 'teach', wrote: 'write', written: 'write', built: 'build',
  led: 'lead', paid: 'pay', sold: 'sell', kept: 'keep', brought: 'bring', bought: 'buy', saw: 'see', seen: 'see', grew: 'grow',
  grown: 'grow', heard: 'hear', understood: 'understand', won: 'win', lost: 'lose', meant: 'mean', sent: 'send', stood: 'stand',
  fell: 'fall', held: 'hold', been: 'be', quit: 'quit', put: 'put', set: 'set', read: 'read', burnt: 'burn', learnt: 'learn',
}

export const PARTICIPLE_ONLY = words('been gone done taken known chosen given written seen grown begun gotten')

export const ADJECTIVES = words(`
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

export const IMPORTANCE = words('necessary required needed essential important crucial vital mandatory')

export const EVALUATIVE = words('good bad fair decent okay ok great nice')

export const FEELINGS = words(`
  happy unhappy satisfied dissatisfied glad content excited worried nervous comfortable uncomfortable scared afraid proud
  stressed fulfilled bored confident passionate interested anxious frustrated tired disappointed surprised sure certain
`)

export const ANTONYM: Record<string, string> = {
  hard: 'easy', difficult: 'easy', tough: 'easy', easy: 'hard', common: 'rare', rare: 'common', long: 'short', short: 'long',
  high: 'low', low: 'high', good: 'bad', bad: 'good', possible: 'not', likely: 'not', stable: 'not', competitive: 'not',
}

/** Verbs of choosing: "Did you study X?" → "What led you to study X?" */
export const CHOICE_VERBS = words('study choose pick go move decide switch change major leave join start become apply pursue enter quit take transfer specialize specialise focus')

/** A request to speak at length: the verbs that make "Can you …" a polite imperative. */
export const REQUEST_VERBS = words(`
  tell describe explain walk talk share elaborate expand say speak go take paint outline summarize summarise discuss
  recount list name give help think show sketch clarify detail compare contrast reflect characterize characterise break
  illustrate suggest
`)

export const GIVE_OBJECTS = words('example examples overview sense idea picture rundown breakdown description summary advice tips insight insights tour account glimpse feel flavor flavour taste run-through walkthrough story stories background feedback suggestions pointers recommendations names thoughts perspective')

export const INTEREST = words('love like hear know learn understand curious interested wonder wondering wondered keen eager want wanted hoping hope ask asking explore discuss talk chat')

const FILLERS = [
  'so', 'and', 'but', 'also', 'okay', 'ok', 'well', 'now', 'alright', 'all right', 'right', 'um+', 'uh+', 'hmm+', 'oh', 'yeah',
  'great', 'thanks', 'thank you', 'cool', 'finally', 'lastly', 'next', 'first', 'second', 'third', 'besides', 'plus', 'anyway',
  'anyways', 'actually', 'honestly', 'personally', 'then', 'sorry', 'hi', 'hello', 'hey', 'please', 'out of curiosity',
  'just curious', 'one more thing', 'one last thing', 'one (?:more|last|final|quick|other) question', '(?:a )?quick question',
  'another question', 'my (?:next|last|final) question(?: is)?', 'i have a question', 'just', 'first of all', 'similarly',
  'in addition', 'related to that', 'on that note', 'speaking of which',
]

/** A filler is dropped when punctuation follows it, or when the question proper starts right after it. */
export const FILLER_RE = new RegExp(`^(?:${FILLERS.join('|')})(?:\\s*[,:;.!…—–]+\\s*|\\s*-\\s+|\\s+(?=(?:${[...WH, ...Object.keys(AUX), ...REQUEST_VERBS, ...PERSONAL, ...Object.keys(SUBJECT_CONTRACTIONS), 'any', 'anything', 'anyone', 'if', 'when', 'tell', 'please'].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b))`, 'i')

/** Lead-in clauses: "Looking back, …", "If you could start over, …", "In your experience, …", "Realistically, …". */
export const LEAD_IN_RE = /^(?:if|when|whenever|since|as|after|before|while|once|given|looking|thinking|compared|besides|beyond|apart|aside|other than|in|for|from|at|during|with|without|now that|based|speaking|having|being|considering|outside|unlike|out of|of all|today|nowadays|these days|in general|overall|\w+ly)\b[^,?]*,\s*/i
