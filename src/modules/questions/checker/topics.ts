// The guide's six topics worth asking about, and which of them a question is on:
//   path           the person's path into the profession (education, first jobs, choices, turning points)
//   typical_day    what the work is like day to day (tasks, schedule, hours, tools, colleagues)
//   likes_dislikes what they like best and least (rewarding, frustrating, challenging, surprising)
//   future         where the profession is heading (trends, technology, demand, the next years)
//   advancement    opportunities for promotion (moving up, career ladders, what gets people promoted)
//   advice         advice for a student (what to study, skills, first steps, who else to talk to)
//   other          anything else, and every question whose answer is public (public-source.ts)
//
// Two readers add up. Each topic has cues (phrases, most of them a few words long) with a weight,
// written by hand from the guide's vocabulary for the topic. And a naive Bayes classifier
// (wink-naive-bayes-text-classifier), trained when this module loads on the standard bank and the
// labelled questions in labelled.ts, gives each topic the log-odds of its content words: it carries
// the words no cue names. A question goes to the topic with the highest sum (cues + log-odds / 4),
// ties to the earlier topic in the order below. test/question-evaluation.test.ts measures the whole
// on a held-out set; docs/conversations.md has the figures, and why no NLP library's model is used.
import naiveBayes from 'wink-naive-bayes-text-classifier'
import { LABELLED, type Topic } from './labelled.js'
import type { PublicSourceKind } from './public-source.js'
import { contentWords } from './tokens.js'
import { STANDARD_BANK } from '../standard-bank.js'

export { TOPICS, type Topic } from './labelled.js'

type Cue = [RegExp, number]

const CUES: Record<Exclude<Topic, 'other'>, Cue[]> = {
  advice: [
    [/\b(?:recommend (?:some|a few|any) (?:books|podcasts|resources|courses|blogs)|ought to|warn me|would you tell (?:a|an) \w+|(?:should|would|could) (?:I )?avoid|avoid doing|best way to|good way for me|would you suggest|make me (?:most |more )?(?:employable|competitive|attractive)|if you had no|how would you (?:prepare|go about|approach|start)|speak with|reach out to|follow up)\b/, 3],
    [/\bwish (?:someone|somebody|they|you|I|people) (?:had )?(?:told|known|knew|said)\b/, 3],
    [/\bhow (?:do|can|should|would|could|might) I\b|\bwhere (?:do|can|should) I\b|\bwhat (?:do|can|should) I\b/, 3],
    [/\blook for (?:when|in) (?:you )?(?:hir\w*|candidates|applicants|interns|new|a candidate|an intern|entry)|\b(?:hire|hiring|recruiters?|applicants?|candidates?)\b/, 2],
    [/\bsuggestions?\b|\bfeedback\b|\bmy (?:resume|résumé|cv|portfolio|application|cover letter|linkedin|interview)\b/, 3],
    [/\badvice\b|\badvise\b|\btips?\b|\bpointers\b|\bwords of wisdom\b/, 3],
    [/\b(?:should|would|could|can|must) (?:I|a student|students|someone|young people|new graduates|a new grad|one)\b/, 2],
    [/\bif you were (?:me|a student|in my (?:position|shoes)|starting (?:out|over)|just starting|(?:\w+ )?again|twenty|my age|\d+)\b/, 3],
    [/\bif you (?:could )?(?:start(?:ed)? (?:over|again|out)|were to start|had to start|went back|could go back|could redo|could do it again)\b|\b(?:younger self|do (?:anything )?differently)\b/, 3],
    [/\bwhat would you tell\b|\bwhat do you wish someone (?:had )?told\b|\bwish (?:you|I) had known\b|\bwish you'd known\b|\bwhat do you wish you knew\b/, 3],
    [/\b(?:stand out|get (?:my|a|your) foot in|break into|get into (?:the|this) (?:field|industry|profession)|land (?:a|an|my|the first)|first job in|get hired|get started in|first step|prepare myself|best prepare|better prepare)\b/, 2],
    [/\b(?:who else|anyone (?:else )?(?:I|that I|you think I) (?:should|could|might)|someone (?:else )?(?:I|that I) (?:should|could)|other people (?:I|that I) (?:should|could)|people I should (?:talk|speak|reach)|recommend (?:I|that I) (?:talk|speak|reach|contact)|introduce me|put me in touch|connect me with)\b/, 4],
    [/\b(?:skills|courses|classes|experiences?|internships?|certifications?|extracurriculars|activities|books|resources|electives|projects|organizations|clubs) (?:(?:would|should|do) (?:you|I)|(?:I|students) should|to (?:focus on|build|develop|pursue|take|seek|look for)|would (?:help|be (?:most )?(?:useful|valuable|helpful))|(?:are|is) (?:most )?(?:worth|important|useful|valuable) for (?:a )?students?)\b/, 3],
    [/\b(?:mistakes?|pitfalls?) (?:to avoid|should I|students make|(?:do )?(?:new|young) (?:grads|graduates|people) make)\b/, 3],
    [/\b(?:recommend|suggest)\b.*\b(?:student|me|I|someone (?:who is )?(?:interested|considering|starting))\b/, 2],
    [/\b(?:while (?:I'm|I am) (?:still )?(?:in school|a student|in college)|as a student|in college|still in school|during (?:college|school|my studies))\b/, 2],
    [/\bworth (?:it|getting|pursuing|doing)\b|\bgrad(?:uate)? school\b|\bmaster's\b|\bmasters\b|\bmba\b/, 1],
  ],
  path: [
    [/\b(?:prompted|realis\w*|realiz\w*|decision to|decided to|originally|went back|first (?:\w+ )?(?:gig|job|jobs|deals?|role|position|client|paycheck)|brand new|in your family|detours?|settl(?:e|ed|ing) (?:into|on)|influenced you|took you from|before you (?:got|moved|went|became|started)|before moving|try out|tried out)\b/, 3],
    [/\b(?:how|when|where|why) (?:did )?you (?:got|get|ended up|end up|made|make|became|become|decided|decide|chose|choose|started|start|switched|switch|moved|move|landed|land|found|find|came|come|went|go) (?:into|your (?:foot|first|start)|to|from|up|out|in|the switch|working)\b/, 3],
    [/\b(?:first (?:got |became )?interested|get interested|got interested|(?:first )?drew you|draws you|drawn to|ended up|end up|come from|came from|before becoming|before you became|straight (?:into|out of)|right out of|after (?:your|college|graduating|graduation|school)|out of (?:school|college))\b/, 3],
    [/\b(?:mentor|apprenticeship|internship (?:you|did you)|first year|early years|background|major(?:ed)?|bachelor's|undergrad\w*|always (?:worked|been))\b/, 2],
    [/\bhow did you (?:get (?:started|into|your start|to where)|become|end up|come to|decide|choose|pick|land|find (?:your way|this)|break into|start (?:out|your career)|get your first|make the (?:switch|move|jump|transition)|know)\b/, 4],
    [/\bwhy did you (?:choose|pick|go into|decide|become|get into|switch|leave|move|join|enter|study|major|want)\b/, 4],
    [/\b(?:led|drew|brought|inspired|attracted|pushed|motivated|steered|pointed|nudged) you (?:to|into|toward|towards|in)\b|\bwhat (?:got|made) you (?:choose|decide|want|go|pick|get into|switch|interested|into)\b/, 4],
    [/\b(?:your )?current (?:role|job|position|career)\b/, 1],
    [/\b(?:your|the) (?:career )?(?:path|journey|background|trajectory|route|story|first job|first role|first position|early career|education|major)\b|\bcareer path\b/, 3],
    [/\b(?:did you (?:study|major|always|ever (?:consider|think about) (?:another|other|a different))|what did you (?:study|major in|do before)|where did you (?:study|go to school|start|train)|before (?:this|your current) (?:role|job|position)|previous (?:jobs|roles|careers?)|prior (?:to|experience))\b/, 3],
    [/\b(?:prepared you|preparation for (?:this|your)|turning point|pivotal|switch(?:ed)? careers|career change|change careers|first (?:got|started|entered|began)|when you (?:started|began|were starting|first)|starting out|getting started|got your start|how long have you been)\b/, 2],
    [/\b(?:always (?:know|knew|wanted)|knew you wanted|decide(?:d)? (?:to|on)|choose this|chose this|choice to)\b/, 2],
  ],
  typical_day: [
    [/\b(?:what happens (?:during|when|in)|how often do you|every day|all day|each day|per day|a day|caseload|roster|days? (?:on|off)|lean on|on your screen|handle|from start to finish|actually do|sit down|in the field|report writing|at the bench)\b/, 2],
    [/\b(?:problems?|issues|cases|questions|requests|projects|clients|patients) (?:do you|you) (?:solve|handle|deal with|work on|see|get|take on)\b|\b(?:most often|usually|typically|on average)\b/, 2],
    [/\b(?:tasks?|duties|responsibilit\w*|paperwork|desk|in the field|site visits|deadlines)\b/, 2],
    [/\b(?:interact|work|collaborate|deal) (?:most )?(?:with|alongside)\b|\balone\b|\bon your own\b|\bas (?:part of )?a team\b|\bteam\w*\b/, 2],
    [/\bspen[dt]\b|\bmost of (?:your|the) (?:time|day|week)\b|\bchunk\b|\bdivide\b|\bsplit\b|\bbalance (?:your|between)\b|\b(?:your|a) (?:week|day|time|morning|shift)\b|\bbusy (?:week|day|season)\b|\bfirst thing\b|\byesterday\b|\bin the morning\b/, 2],
    [/\btypical (?:day|week|workday|morning|shift|month)\b|\bday[- ]to[- ]day\b|\bday in (?:the|your) life\b|\baverage (?:day|week)\b|\bnormal (?:day|week)\b|\bdaily\b|\bregular (?:day|week)\b|\bon a (?:given|usual|regular|good|busy) day\b/, 4],
    [/\b(?:schedule|routine|hours|shifts?|overtime|on call|on-call|weekends?|nights?|commute|remote|from home|in the office|travel (?:for work|much|often)|workload|busy season)\b/, 2],
    [/\b(?:spend (?:most of )?(?:your|the) (?:time|day|days|week|hours)|how (?:is|do you spend) your time|(?:tasks|duties|responsibilities|projects|assignments) (?:do you|are|look like|you)|what do you (?:actually|really) do|what (?:does|do) your (?:work|job|role|days?|week) (?:look|involve|consist|entail)|what (?:does|do) (?:a|an|the) (?:\w+ )?(?:do|do all day))\b/, 4],
    [/\b(?:tools|software|programs|systems|technology|equipment) (?:do you|you) (?:use|rely)\b|\bwho do you work (?:with|for|alongside)\b|\bwho (?:are|is) (?:your|the) (?:colleagues|clients|team|coworkers|co-workers)\b|\bhow (?:is|are) (?:your|the) (?:team|work|day|days|week|time) (?:structured|organized|organised|split|divided)\b|\bmeetings\b|\bcollaborat/, 3],
    [/\b(?:involve|entail|consist of|look like)\b/, 1],
  ],
  likes_dislikes: [
    [/\b(?:lived up|let ?down|disappoint\w*|choose \w+ again|do it (?:all )?again|harder than|easier than|accomplish\w*|thrill\w*|wears? you (?:down|out)|cope|coping|glamorous|dread\w*|gratif\w*|off guard|get to you|keeps? you (?:up|coming)|sense of|happiest|proudest|worst|best part|happily|gladly|would rather not)\b/, 3],
    [/\bwork[- ]life\b|\bburn(?:ed|t)? ?out\b|\bregret\w*\b|\benerg(?:y|ize|izes|ising|ises)\b|\bdrain\w*\b|\bgive you (?:the most|energy|satisfaction)\b|\bfeel (?:about|like)\b|\bmiss\b|\bworth it\b/, 3],
    [/\b(?:like|love|enjoy|appreciate|value) (?:the )?(?:most|best|least)\b|\b(?:most|least) (?:enjoy|like|love|rewarding|satisfying|fulfilling|frustrating|enjoyable|favorite|favourite|challenging|difficult|stressful|fun|exciting|meaningful|tedious|draining|boring|interesting)\b/, 4],
    [/\b(?:enjoy|enjoyable|favou?rite|rewarding|satisf(?:ying|action|ied)|fulfill?(?:ing|ment)|frustrat\w*|annoy\w*|challeng\w*|hardest|toughest|difficult|difficulties|downsides?|drawbacks?|best part|worst part|stress\w*|burn ?out|burnt out|dislike|hate|love|passion(?:ate)?|motivat\w*|proud|pride|joy|meaningful|tedious|boring|draining|exhausting|upsides?|perks?|pros and cons)\b/, 3],
    [/\b(?:surpris\w*|unexpected|didn't expect|did not expect|expected)\b/, 3],
    [/\bwould you change\b|\bif you could change\b|\bkeeps? you (?:going|here|motivated|in)\b|\bget out of bed\b|\bmakes? (?:it|the job|your work) worth\b/, 3],
    [/\bdo you like\b|\bare you happy\b|\bhappy with\b/, 2],
  ],
  future: [
    [/\b(?:will|going to|gonna)\b/, 2],
    [/\b(?:eventually|down the road|from now|years? (?:ahead|out)|next generation|in the long run|survive|emerg\w*|promising|permanently|going forward|nowadays|these days|lately|anymore|is going|going with|new demands)\b/, 3],
    [/\bbecom(?:e|ing) (?:more|less|a bigger|bigger|smaller|harder|easier|common|standard|obsolete|part)\b|\bsee \w+(?: \w+)? becoming\b|\bin demand\b|\bget (?:better|worse)\b|\bthreats?\b|\bahead\b|\bwill\b.*\b(?:be|change|affect|look|need|matter)\b/, 3],
    [/\bfuture\b|\bheading\b|\bheaded\b|\bnext (?:five|ten|few|couple of|5|10|twenty|20) (?:years|decades)\b|\bin (?:five|ten|5|10|twenty|20) years\b|\bcoming (?:years|decade)\b|\blong[- ]term\b|\bdecade\b/, 4],
    [/\btrends?\b|\btrending\b|\bemerging\b|\bevolv\w*\b|\bdisrupt\w*\b|\bshift(?:s|ing)?\b|\btransform\w*\b|\bnew developments\b|\bcutting[- ]edge\b/, 3],
    [/\b(?:ai|a\.i\.|artificial intelligence|automation|automated|machine learning|chatgpt|generative|robots?|robotics|technology|technologies|digital|climate|regulation|regulations|policy changes|remote work)\b/, 2],
    [/\b(?:chang(?:e|es|ed|ing) (?:in|the|your|this) (?:field|industry|profession|sector|work|role|job)|how (?:is|has) (?:the|this|your) (?:field|industry|profession|sector|work|role) chang\w*|will (?:the|this|your) (?:field|industry|profession|job|role|work)|(?:field|industry|profession|job|jobs|role) (?:be|look|change)|replace[ds]?|obsolete|demand for|still (?:exist|be needed|be around|in demand)|(?:field|industry|demand|profession|sector|market|area)s? (?:is |are |will )?(?:growing|grow|shrinking|shrink)|declin\w*)\b/, 3],
  ],
  advancement: [
    [/\b(?:rung|upgrade[ds]?|bigger title|(?:work|worked|working) (?:their|your|my|his|her|one's) way up|make the jump|jump (?:into|to) (?:management|leadership)|own (?:practice|firm|brokerage|agency|company|business|studio|clinic)|more responsibility|trusted with|route to|keep growing|end goal|running the|ready for more|next level)\b/, 3],
    [/\bgrow (?:quickly|fast|faster)\b|\bpeople who (?:grow|succeed|thrive|rise|excel|do well|get ahead)\b|\bdistinguish\w*\b/, 3],
    [/\bmove[sd]? (?:from|into|up|on to)\b|\bmoving (?:from|into|up)\b|\btransition (?:from|into)\b|\bgo next\b|\bnext (?:step|move|role|level)\b|\bpath from\b|\bfrom \w+(?: \w+)? to (?:manager|director|partner|senior|lead|editor|principal|head)\b/, 3],
    [/\b(?:manager|director|editor|administration|administrator|partner|principal|chief|head|supervisor|senior|lead|executive|leadership)\b/, 1],
    [/\bpromot\w*\b|\badvanc\w*\b|\bmove up\b|\bmoving up\b|\bmoved up\b|\bclimb\w*\b|\bladder\b|\bcareer (?:growth|progression|development|track|trajectory)\b|\bprogression\b/, 4],
    [/\b(?:senior|leadership|management|managerial|partner|principal|director|executive|supervisor|lead) (?:role|roles|position|positions|level|track|ranks|levels)\b|\bmake partner\b|\bbecome (?:a )?(?:manager|partner|director|lead|senior|principal|supervisor|head)\b|\bmanagement track\b|\btenure\b/, 4],
    [/\b(?:opportunities|room|chances|paths?) (?:for|to) (?:growth|grow|move|advance|promotion|develop)\b|\bgrow (?:in|within|here|at)\b|\bget ahead\b|\bnext step in your career\b|\bnext (?:role|step|level|move) (?:for you|up)\b|\blateral(?:ly)?\b|\bmove (?:sideways|between|across|into (?:management|leadership))\b|\binternal (?:mobility|moves|transfers)\b/, 4],
    [/\b(?:raise|raises|performance review|reviews|evaluated|recognized|rewarded|stand out (?:at|in) (?:work|your (?:company|firm|team))|get noticed|what gets people|what separates|distinguishes|career ceiling|glass ceiling|how long (?:does|did) it (?:usually |typically )?take to (?:become|reach|make|get to))\b/, 3],
  ],
}

/** What is none of the six: the workplace's culture and social life, pay negotiation, small talk. */
const OTHER_CUES: Cue[] = [
  [/\b(?:culture|cultures|social|sociali[sz]\w*|drinks|negotiat\w*|counter(?:offer)?|offer came|diversity|inclusion|root for|hobbies|favou?rite (?:book|film|movie|podcast|show)|approachable|dress code|office politics|outside (?:of )?work|by the way)\b/, 4],
]

const ORDER: Array<Exclude<Topic, 'other'>> = ['advice', 'path', 'typical_day', 'likes_dislikes', 'future', 'advancement']
/** The cues, case-insensitive, in ORDER. */
const COMPILED = [...ORDER.map((topic) => ({ topic: topic as Topic, cues: CUES[topic] })), { topic: 'other' as Topic, cues: OTHER_CUES }].map(({ topic, cues }) => ({
  topic,
  cues: cues.map(([re, weight]) => [new RegExp(re.source, 'i'), weight] as const),
}))

/** Log-odds are in bits; a quarter of a bit weighs as much as one unit of a cue. */
const ODDS_PER_CUE = 4

const classifier = naiveBayes()
classifier.definePrepTasks([(words) => words])
classifier.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 })
for (const [topic, text] of STANDARD_BANK) classifier.learn(features(text), topic)
for (const [text, topic] of LABELLED) classifier.learn(features(text), topic)
classifier.consolidate()

function features(text: string): string[] {
  return [...contentWords(text)]
}

/** Each topic's weight of cues (other: its own cues for culture, pay talk and small talk). */
export function cueScores(text: string): Record<Topic, number> {
  const s = text.replace(/[‘’ʼ`´]/g, "'").replace(/\s+/g, ' ')
  const scores = {} as Record<Topic, number>
  for (const { topic, cues } of COMPILED) {
    let score = 0
    for (const [re, weight] of cues) if (re.test(s)) score += weight
    scores[topic] = score
  }
  return scores
}

/** The topic of a text; a question whose answer is public is `other`. */
export function topicOf(text: string, publicSource: PublicSourceKind | null = null): Topic {
  if (publicSource) return 'other'
  const cues = cueScores(text)
  const odds = new Map(classifier.computeOdds(features(text)))
  let best: Topic = 'other'
  let bestScore = -Infinity
  for (const topic of [...ORDER, 'other' as const]) {
    const score = cues[topic] + (odds.get(topic) ?? 0) / ODDS_PER_CUE
    if (score > bestScore) {
      best = topic
      bestScore = score
    }
  }
  return best
}
