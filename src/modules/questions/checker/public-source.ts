// "Focus on questions that you could not otherwise obtain from print materials or the Internet."
// A question is answerable from public sources when what it asks for is a fact the student could look
// up before the meeting instead of spending the professional's time on it:
//
//  - company facts: when the organization was founded, its size (employees, offices), its revenue,
//    funding or valuation, its headquarters, what it makes or sells and for whom, who leads it, whether
//    it is listed on a stock exchange, its mission statement;
//  - published statistics: median or average pay for an occupation, job growth and outlook figures,
//    how many people work in a field;
//  - definitions and acronyms ("What does CPA stand for?", "What is the definition of…");
//  - formal requirements a website states: the degree, licence, certification or exam required, the
//    credit hours, the application deadline.
//
// What makes it public is the thing asked for, not the subject: "How has the company's growth changed
// your job?" asks for the person's own experience of a public fact, which only they can give. So a
// question that asks about the person ("you", "your experience", "in your view"), apart from naming
// their organization ("your company") or a generic "do you need", is not flagged.
//
// Each kind comes with a rephrasing that asks for the person's experience of the same subject. The
// patterns are read on the lower-cased sentence; the evaluation set (test/fixtures/questions) measures
// them (test/question-evaluation.test.ts).

export type PublicSourceKind = 'company-facts' | 'statistics' | 'definition' | 'requirements'

export interface PublicSource {
  kind: PublicSourceKind
  reason: string
  suggestion: string
}

const ORG = String.raw`(?:company|companies|firm|organi[sz]ation|agency|hospital|business|corporation|employer|startup|start-up|studio|practice|department|district|institution|nonprofit|non-profit|bank|lab|laboratory|newspaper|publication|school|university|clinic|office|brand|group|network|station|paper|magazine|outlet|museum|charity|foundation|team)`
/** The organization named as the subject: "your company", "the firm", "your hospital's". */
const ORG_PHRASE = new RegExp(String.raw`\b(?:your|the|this|that|its|their|our)\s+(?:\w+\s+)?${ORG}(?:'s|s')?`, 'g')

const COMPANY_FACTS: RegExp[] = [
  // founding and age
  new RegExp(String.raw`\b(?:when|what year|how long ago|in what year)\b.*\b(?:founded|established|started|created|incorporated|formed|opened)\b`),
  /\bwho (?:founded|started|created|owns)\b/,
  /\bhow old is\b/,
  /\b(?:history of|founding (?:date|year)|year (?:it was )?founded)\b/,
  // size
  /\bhow many (?:employees|people|staff|workers|offices|locations|branches|stores|sites|countries|clients|customers|users|beds|members|lawyers|attorneys|engineers|nurses|doctors|physicians|teachers|students|reporters|journalists|consultants|accountants|designers|developers|agents|partners|subscribers|readers|patients|volunteers)\b.*\b(?:does|do|are there|work|employ|have|has|serve|operate|is)\b/,
  /\bhow (?:big|large|small) is\b/,
  new RegExp(String.raw`\b(?:does|do|is|are) (?:the|your|this) ${ORG}s? (?:have|has|operate|run|located|based) (?:any )?(?:locations|offices|branches|sites|stores|operations|clients|presence)\b`),
  /\b(?:size|headcount|number of employees|employee count|workforce)\b.*\b(?:company|firm|organi[sz]ation|agency|hospital|business|employer)\b/,
  // money
  /\b(?:revenue|revenues|annual sales|turnover|profits?|profitable|market cap|valuation|net worth|budget|funding|raised|earnings|sales figures|stock price|share price)\b/,
  /\bhow much (?:money )?does (?:the|your|this) \w+ (?:make|earn|bring in)\b/,
  // where
  /\bheadquarter(?:s|ed)?\b|\bhq\b/,
  /\bwhere (?:is|are) (?:the|your|this|its) (?:\w+ )?(?:company|firm|organi[sz]ation|agency|business|main office|offices?|head office|based|located)\b/,
  /\bwhere (?:is|are) (?:it|they) (?:based|located|headquartered)\b/,
  // what it makes and for whom
  /\bwhat (?:products?|services?|brands?|programs?|software|goods)\b.*\b(?:does|do|offer|make|sell|provide|produce|build|have)\b/,
  /\bwhat does (?:the|your|this|that) (?:\w+ )?(?:company|firm|organi[sz]ation|agency|business|startup|nonprofit|employer) (?:do|make|sell|offer|produce|provide)\b/,
  /\bwho are (?:the|your|its|their) (?:main |biggest |major |largest )?(?:clients|customers|competitors)\b/,
  /\bmission statement\b|\bwhat is (?:the|your) (?:company|firm|organi[sz]ation|agency)(?:'s)? mission\b/,
  new RegExp(String.raw`\b(?:have|has) (?:an? |any |its )?(?:office|offices|location|locations|branch|branches|presence|operations|sites?|headquarters) (?:in|outside|abroad|overseas)\b`),
  /\bhow many [\w-]+ (?:does|do) (?:[\w&.'-]+ ){1,3}(?:operate|own|run|manage|have|employ)\b/,
  /\baccredit\w*\b|\b501\(c\)/,
  /\b(?:which|what) (?:clients|customers|companies|brands|organi[sz]ations|partners) (?:has|have|does|do) (?:the |your |this |that )?[\w-]+(?: [\w-]+)? (?:worked|work|served|serve|partnered|partner)\b/,
  /\b(?:list|lists|listed) (?:among|as|on)\b.*\b(?:services|products|offerings|website)\b/,
  // who leads it
  /\bwho (?:is|are|runs|leads|heads)\b.*\b(?:ceo|president|founder|founders|chair|chairman|director|head|leaders?|leadership|owner|executives?|managing partner|board)\b/,
  /\bwho (?:is|are) (?:the|your) (?:ceo|president|founder|chair|executive director|managing partner)\b/,
  /\b(?:who|which people) (?:currently )?(?:is|are|serve|serves|sit|sits|currently serve)\b.*\b(?:trustees?|board members?|board of directors|governing board)\b/,
  // listing
  /\bpublicly (?:traded|listed|held)\b|\bstock (?:exchange|market|symbol|ticker)\b|\bticker\b|\bipo\b|\bgo(?:ne|ing)? public\b|\blisted on\b/,
  /\bis (?:the|your|this) (?:\w+ )?(?:company|firm|business) (?:public|private|privately held)\b/,
]

const STATISTICS: RegExp[] = [
  /\b(?:median|average|mean|typical|starting|entry[- ]level|national|base)\s+(?:[\w-]+\s+){0,2}(?:salary|salaries|pay|wage|wages|income|compensation|earnings)\b/,
  /\b(?:salary|pay|wage) (?:range|statistics|data|figures)\b/,
  /\bhow much (?:do|does|can) (?:a|an|most|the average|entry-level|new)\b.*\b(?:make|earn|get paid)\b/,
  /\b(?:job|employment) (?:growth|outlook)(?: rate)?\b|\bgrowth rate\b|\bunemployment rate\b|\boutlook for\b/,
  /\bhow many (?:jobs|openings|positions|people|professionals|workers)\b.*\b(?:are there|work in|employed|in the (?:us|u\.s\.|country|state|field|industry))\b/,
  /\b(?:percentage|percent|what share) of\b.*\b(?:are|work|workers|employees|women|graduates)\b/,
  /\bhow (?:big|large) is the (?:\w+ )?(?:industry|market|field|sector)\b/,
]

const DEFINITIONS: RegExp[] = [
  /\bwhat (?:does|do) (?:the (?:acronym|abbreviation|term|word|letters) )?[\w.&-]+ stand for\b/,
  /\bstand for\b/,
  /\b(?:definition|meaning) of\b/,
  /\bwhat (?:does|do) (?:the )?(?:term |word |phrase |title )?[\w.&' -]{1,40} mean$/,
  /\b(?:what's|what is) the difference between (?:a |an |the )?[\w.&-]+ and (?:a |an |the )?[\w.&-]+$/,
  /\bwhat is meant by\b/,
  /\bwhat (?:does|do) [\w.&' -]{1,40} refer to\b/,
  /^(?:what|which) (?:is|are) (?:the |a |an )?[\w.&-]+(?: [\w.&-]+)? (?:certification|credential|licen[cs]e|designation|exam|examination|framework|standard|act|regulation)$/,
  /\bwhat (?:exactly )?(?:is|are) (?:a|an) [\w-]+(?: [\w-]+)?$/,
  /\bhow (?:do|would) you define (?:a|an|the term)\b/,
]

const REQUIREMENT_NOUNS = String.raw`(?:degrees?|licen[cs]es?|licensure|certifications?|certificates?|credentials?|exams?|examinations?|tests?|boards|bar|qualifications?|credit hours|credits|gpa|prerequisites?|courses?|majors?|clearances?|requirements?)`
const REQUIREMENTS: RegExp[] = [
  new RegExp(String.raw`\b(?:what|which)\b.*\b${REQUIREMENT_NOUNS}\b.*\b(?:required|requires|require|needed|necessary|mandatory|do (?:I|you|one|we|students) need|does (?:one|someone|a person) need|would I need|to (?:become|practice|work as|qualify|be licensed|get licensed|apply))\b`),
  new RegExp(String.raw`\b(?:is|are) (?:a |an |the )?(?:[\w'-]+ )?${REQUIREMENT_NOUNS}\b.*\b(?:required|needed|necessary|mandatory)\b`),
  new RegExp(String.raw`\b(?:do|does|would|will) (?:I|you|one|someone|students?|a person|(?:\w+ )?\w+s) (?:need|have to (?:have|pass|take|get)) (?:a |an |the |to (?:have|pass|take|get) (?:a |an |the )?)?(?:[\w'-]+ ){0,2}${REQUIREMENT_NOUNS}\b`),
  /\b(?:what are|what're) the (?:\w+ )?(?:requirements|prerequisites|qualifications)\b/,
  /\b(?:requirements|prerequisites) (?:for|to)\b/,
  /\bhow many (?:years of (?:school|schooling|college|education|training|study)|credit hours|credits|hours of (?:training|supervision|practice))\b.*\b(?:required|needed|necessary|does it take|do you need|to become|to get)\b/,
  /\b(?:application|registration|filing|enrol(?:l)?ment|submission|admissions?) deadlines?\b|\bdeadlines? (?:for|to)\b|\bwhen (?:is|are) (?:the )?(?:deadline|deadlines)\b/,
  /\b(?:how many|what number of|(?:a |the )?minimum (?:number of )?)\b.*\b(?:hours|credits|credit hours|years)\b.*\b(?:require[sd]?|state|states|list|lists|ask for)\b/,
  /\brequire[sd]?\b.*\b(?:for (?:admission|licensure|licensing|certification|registration)|to (?:sit for|apply|enrol|enroll|register|practi[sc]e|be (?:licensed|certified|admitted)))\b/,
  /\b(?:is|are) (?:the |a |an )?[\w.'-]+(?: [\w.'-]+)? (?:required|mandatory) (?:for|to|in order to)\b/,
  /\bjob (?:postings?|ads?|adverts?|descriptions?|listings?)\b/,
  /\bwhat (?:exams?|tests?) (?:do|does|must|should) (?:I|you|one|students?) (?:take|pass)\b/,
]

/**
 * Words that make a question about the person: "you" itself, or "your" before the person's own things
 * (their experience, view, career, day, team). "Your headquarters" or "your internship program" name
 * the organization, not the person.
 */
const PERSONAL = /\b(?:you|you're|you've|you'd|yours|yourself)\b|\byour (?:own|experience|experiences|view|views|opinion|opinions|sense|take|career|path|job|role|work|day|days|week|time|team|manager|boss|colleagues|favou?rite|biggest|first|personal|current|previous|salary|pay|education|degree|training)\b/
/** A generic "you" in a requirement ("do you need a licence to…") speaks of anyone. */
const GENERIC_YOU = /\b(?:do|does|would|will) you (?:need|have to)\b|\brequired for you\b/

const MESSAGES: Record<PublicSourceKind, { what: string; suggestion: (s: string) => string }> = {
  'company-facts': {
    what: 'a fact about the organization that its website, annual report or a news search gives',
    suggestion: companySuggestion,
  },
  statistics: {
    what: 'a published statistic (pay, growth, numbers employed) that labour-market data and professional associations publish',
    suggestion: (s) =>
      /\b(?:salary|salaries|pay|wage|income|compensation|earn|make)\b/i.test(s)
        ? 'What do the published figures on pay leave out about this work, from where you sit?'
        : 'Where do you see demand for this work heading, from where you sit?',
  },
  definition: {
    what: 'a definition that a dictionary, the organization\'s site or a professional association gives',
    suggestion: (s) => {
      const term = /\bwhat (?:does|do) (?:the (?:acronym|abbreviation|term|word) )?([\w.&-]+) (?:stand for|refer to)\b/i.exec(s)?.[1] ?? /\bwhat (?:exactly )?(?:is|are) (?:a|an) ([\w-]+(?: [\w-]+)?)$/i.exec(s)?.[1]
      return term ? `How does ${term} come up in your day-to-day work?` : 'How does that come up in your day-to-day work?'
    },
  },
  requirements: {
    what: 'a formal requirement that the programme\'s, the licensing board\'s or the employer\'s website states',
    suggestion: (s) =>
      /\b(?:exams?|examinations?|tests?|boards|bar|licen[cs]e|licensure|certifications?)\b/i.test(s)
        ? 'How did you prepare for the licences or exams this work asks for, and what would you do differently?'
        : 'Beyond the formal requirements, what prepared you best for this work?',
  },
}

function companySuggestion(s: string): string {
  if (/\b(?:founded|established|started|created|incorporated|formed|history|how old)\b/i.test(s)) return 'How has the organization changed since you joined, and how has that shaped your work?'
  if (/\b(?:revenue|sales|turnover|profits?|profitable|market cap|valuation|funding|raised|earnings|stock|share price|publicly|ipo|public|private|listed|budget|money)\b/i.test(s)) return 'How do the organization\'s business goals show up in your own work?'
  if (/\bheadquarter|\bhq\b|\bbased\b|\blocated\b|\bwhere\b|\boffices?\b|\blocations?\b|\bbranch(?:es)?\b|\babroad\b|\boverseas\b/i.test(s)) return 'How does where your team is based shape the way you work with the rest of the organization?'
  if (/\b(?:ceo|president|founders?|chair|chairman|director|leaders?|leadership|owner|executives?|board|runs|leads|heads)\b/i.test(s)) return 'How does the direction set by leadership reach your team\'s work?'
  if (/\bhow many\b|\bhow (?:big|large|small)\b|\bsize\b|\bheadcount\b|\bworkforce\b/i.test(s)) return 'What is it like to work in an organization of this size, day to day?'
  return 'Which of the organization\'s products or services do you work on, and what is your part in them?'
}

/** "Could you tell me…", "Do you know…", "I was wondering…": a request to be told, not a question about the person. */
const POLITE_WRAPPER = /^(?:so,? |and |also,? )?(?:(?:could|can|would|will) you (?:please )?(?:tell|let) me(?: know)?|(?:do|would) you (?:happen to )?know|i (?:was|am|'m) wondering|may i ask|might i ask)\b/

function personal(s: string): boolean {
  const withoutOrg = s.replace(POLITE_WRAPPER, ' ').replace(ORG_PHRASE, ' ').replace(GENERIC_YOU, ' ')
  return PERSONAL.test(withoutOrg) && !/\b(?:stand for|definition of|meaning of)\b/i.test(s)
}

/** The kind of public fact a sentence asks for, or null when it asks for something only the person can say. */
export function publicSourceKind(sentence: string): PublicSourceKind | null {
  const s = sentence
    .toLowerCase()
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/[?!.…\s]+$/, '')
    .trim()
  const kind: PublicSourceKind | null = DEFINITIONS.some((re) => re.test(s))
    ? 'definition'
    : REQUIREMENTS.some((re) => re.test(s))
      ? 'requirements'
      : STATISTICS.some((re) => re.test(s))
        ? 'statistics'
        : COMPANY_FACTS.some((re) => re.test(s))
          ? 'company-facts'
          : null
  if (!kind || personal(s)) return null
  return kind
}

/** The finding for a text (any of its sentences), with the reason and a rephrasing. */
export function checkPublicSource(sentences: string[]): PublicSource | null {
  for (const sentence of sentences) {
    const kind = publicSourceKind(sentence)
    if (!kind) continue
    const { what, suggestion } = MESSAGES[kind]
    const s = sentence.replace(/[?!.…\s]+$/, '')
    return {
      kind,
      reason: `The answer is ${what}. The guide advises asking what you could not find in print or online: look this up beforehand, and ask about the person's own experience instead.`,
      suggestion: suggestion(s),
    }
  }
  return null
}
