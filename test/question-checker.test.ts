// The closed-question checker against a labelled set of informational-interview questions written
// for it: open ones (wh-questions, prompts, polite requests such as "Can you describe…") and closed
// ones (yes/no, a choice between given options), with the tricky cases spelled out below. The test
// requires every label to be matched, prints the accuracy, and checks that each suggestion is itself
// an open question that keeps something of the original.
import { describe, expect, it } from 'vitest'
import { checkQuestion, checkQuestions } from '../src/modules/questions/checker/index.js'
import { STANDARD_BANK } from '../src/modules/questions/standard-bank.js'

type Label = 'open' | 'closed'

const LABELLED: Array<[string, Label]> = [
  // Open: wh-questions.
  ['What do you do?', 'open'],
  ['How did you start?', 'open'],
  ['Why did you choose this field?', 'open'],
  ['Which skills matter most?', 'open'],
  ['What does a typical week look like for you?', 'open'],
  ['How did you get your first job in marketing?', 'open'],
  ['Where do you see your industry in ten years?', 'open'],
  ['Who has influenced your career the most?', 'open'],
  ['What skills should I develop while I am still in school?', 'open'],
  ["What's the hardest part of your job?", 'open'],
  ['How has remote work changed your team?', 'open'],
  ['Why do you think so many people leave this field?', 'open'],
  ["Why don't more students go into this field?", 'open'],
  ['What surprised you most when you started?', 'open'],
  ['How do you balance client work and internal projects?', 'open'],
  ['How long did it take you to feel confident in the role?', 'open'],
  ["What do you wish you'd known before starting?", 'open'],
  ['How come you moved from finance to teaching?', 'open'],
  ['What would you say is the biggest misconception about your job?', 'open'],
  ['How do you decide which projects to take on?', 'open'],
  // Open: "or" inside a wh-question that lists no options.
  ['How do people typically move up or change roles here?', 'open'],
  // Open: "What if…", "What about…", preposition + wh-word.
  ["What if I don't get an internship before graduating?", 'open'],
  ['What if you had chosen a different major?', 'open'],
  ['What about the long hours — how do you handle them?', 'open'],
  ['To what extent does your degree matter in your daily work?', 'open'],
  ['At what point did you know this was the right career?', 'open'],
  // Open: lead-ins, fillers, lowercase, no question mark, trailing spaces.
  ['so what do you like most about nursing', 'open'],
  ['And how did you decide to leave teaching?', 'open'],
  ['In your experience, what separates good engineers from great ones?', 'open'],
  ['Looking back, what would you have done differently?', 'open'],
  ['If you could start over, what would you study?', 'open'],
  ['what kinds of people succeed in this role?', 'open'],
  // Open: imperative prompts and stated interest.
  ['Tell me about your first job.', 'open'],
  ['Tell me more about the culture at your firm   ', 'open'],
  ['Walk me through how a project goes from idea to launch.', 'open'],
  ['Describe a project you are proud of.', 'open'],
  ['Help me understand what a data analyst does all day.', 'open'],
  ['Tell me, what is the best part of your job?', 'open'],
  ['Share one thing you wish someone had told you.', 'open'],
  ["I'd love to hear how you got into consulting.", 'open'],
  // Open: polite requests wrapped in an auxiliary.
  ['Can you describe a typical day?', 'open'],
  ['Could you tell me about the biggest challenge you faced early on?', 'open'],
  ['Could you walk me through your career path?', 'open'],
  ['Would you mind explaining what a product manager actually does?', 'open'],
  ['Can you explain how you prepare for a trial?', 'open'],
  ['Would you be willing to share how you negotiated your first salary?', 'open'],
  ['Could you please describe your onboarding experience?', 'open'],
  ['Can you give me an example of a decision you made recently?', 'open'],
  ['Would you mind walking me through a recent project?', 'open'],
  ['Can you talk about a mistake you learned from?', 'open'],
  ['May I ask how you found your current position?', 'open'],
  // Open: an elliptical "What is…?" (doubtful: see the report).
  ['Your favorite part of the job?', 'open'],

  // Closed: yes/no with an auxiliary first.
  ['Do you like your job?', 'closed'],
  ['Is it hard to get promoted?', 'closed'],
  ['Would you recommend this career?', 'closed'],
  ['Have you ever thought about leaving?', 'closed'],
  ['Can you work from home?', 'closed'],
  ['Did you study business in college?', 'closed'],
  ['Are you happy with your career choice?', 'closed'],
  ['Was it difficult to find a job after graduating?', 'closed'],
  ['Do you think a master’s degree is necessary?', 'closed'],
  ['Is a coding bootcamp worth it?', 'closed'],
  ['Should I learn Python before applying?', 'closed'],
  ['Was your first job in this field?', 'closed'],
  ['Have you always wanted to be an architect?', 'closed'],
  ['Does your company offer tuition reimbursement?', 'closed'],
  ['Will AI replace a lot of jobs in accounting?', 'closed'],
  ['Is remote work common in your field?', 'closed'],
  ['Could a beginner get hired without experience?', 'closed'],
  ['Are you still in touch with your mentor?', 'closed'],
  ['Do you ever feel burned out?', 'closed'],
  ['Is it true that most lawyers work weekends?', 'closed'],
  ['Were you nervous at your first job interview?', 'closed'],
  ['Am I too old to switch careers at thirty?', 'closed'],
  ['Did your degree prepare you well for the job?', 'closed'],
  ['Has the field changed much since you started?', 'closed'],
  ['Can I shadow you for a day?', 'closed'],
  ['Is there a lot of travel involved?', 'closed'],
  ['Do you have to work weekends?', 'closed'],
  // Closed: negative contractions.
  ["Don't you get tired of the long hours?", 'closed'],
  ["Isn't it stressful to work in an emergency room?", 'closed'],
  ["Wouldn't you say the hours are worth it?", 'closed'],
  // Closed: fillers, lowercase, no question mark.
  ['So, do you travel a lot for work?', 'closed'],
  ['And is the pay good?', 'closed'],
  ['do you enjoy working with clients', 'closed'],
  ['If you could go back, would you choose the same major?', 'closed'],
  // Closed: a choice between given options.
  ['Do you prefer working remotely or in the office?', 'closed'],
  ['Would you rather work at a startup or a big company?', 'closed'],
  ['Did you go to grad school or start working right away?', 'closed'],
  ['Is it better to specialize or stay general early on?', 'closed'],
  ['Which is more important, grades or experience?', 'closed'],
  ['What matters more to employers: a portfolio or a degree?', 'closed'],
  // Closed: "anything", "any", "anyone" (a "no" answers them; see the rule in checker.ts).
  ['Is there anything you wish you had known?', 'closed'],
  ['Do you have any advice for a first-year student?', 'closed'],
  ['Are there any certifications I should get?', 'closed'],
  ['Do you know anyone else I could talk to?', 'closed'],
  ['Any tips for networking?', 'closed'],
  // Closed: requests that ask to be told whether, or to confirm a label.
  ['Could you tell me whether you enjoy managing people?', 'closed'],
  ['Can you tell me if the company offers mentorship?', 'closed'],
  ['Would you describe the culture as competitive?', 'closed'],
  ["I was wondering if you'd recommend this program.", 'closed'],
  // Closed: statements with a question mark, and tags.
  ['You started as an intern?', 'closed'],
  ["It's a competitive field, isn't it?", 'closed'],
  ['Your first job was in sales?', 'closed'],
]

const STOPWORDS = new Set(
  `a an the and or but if of to in on at for with from about as by into through over than then so do does did is are was
  were am be been being have has had can could will would should shall may might must you your yours i me my we us our they
  them their he she it its this that these those there what how why where when who whom which whose any anything anyone
  not no yes don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't shouldn't haven't hasn't it's
  you're you'd i'm i'd ever always still really much lot very just also think tell me know like`.split(/\s+/),
)
const contentWords = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .replace(/[’]/g, "'")
      .split(/[^a-z0-9'-]+/)
      .map((w) => w.replace(/^'+|'+$/g, ''))
      .filter((w) => w.length > 1 && !STOPWORDS.has(w)),
  )

describe('closed-question checker', () => {
  it('has a labelled set of at least 80 questions, about half of them closed', () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(80)
    expect(new Set(LABELLED.map(([q]) => q)).size).toBe(LABELLED.length)
    const closedCount = LABELLED.filter(([, label]) => label === 'closed').length
    expect(closedCount / LABELLED.length).toBeGreaterThan(0.4)
    expect(closedCount / LABELLED.length).toBeLessThan(0.6)
  })

  it('classifies every labelled question correctly', () => {
    const misclassified = LABELLED.filter(([q, label]) => checkQuestion(q).closed !== (label === 'closed'))
    const correct = LABELLED.length - misclassified.length
    const closedSet = LABELLED.filter(([, label]) => label === 'closed')
    const closedCorrect = closedSet.filter(([q]) => checkQuestion(q).closed).length
    const openSet = LABELLED.filter(([, label]) => label === 'open')
    const openCorrect = openSet.filter(([q]) => !checkQuestion(q).closed).length
    console.log(
      `question checker accuracy: ${correct}/${LABELLED.length} = ${((100 * correct) / LABELLED.length).toFixed(1)}% ` +
        `(closed ${closedCorrect}/${closedSet.length}, open ${openCorrect}/${openSet.length})`,
    )
    for (const [q, label] of misclassified) console.log(`  misclassified (labelled ${label}): ${q}`)
    expect(misclassified).toEqual([])
  })

  it.each(LABELLED.filter(([, label]) => label === 'closed').map(([q]) => q))('rephrases %j as an open question that keeps its subject', (q) => {
    const check = checkQuestion(q)
    expect(check.closed).toBe(true)
    expect(check.reason).toEqual(expect.any(String))
    expect(check.reason!.length).toBeGreaterThan(10)
    const suggestion = check.suggestion!
    expect(suggestion).toMatch(/\?$/)
    expect(suggestion).not.toMatch(/\s{2}|\s[,?]|^[a-z]/)
    expect(checkQuestion(suggestion)).toMatchObject({ closed: false, reason: null, suggestion: null })
    const kept = [...contentWords(q)].filter((w) => contentWords(suggestion).has(w))
    expect(kept, `${q} → ${suggestion}`).not.toEqual([])
  })

  it.each(LABELLED.filter(([, label]) => label === 'open').map(([q]) => q))('leaves %j alone', (q) => {
    expect(checkQuestion(q)).toMatchObject({ text: q.trim(), closed: false, reason: null, suggestion: null })
  })

  it('rephrases the examples naturally', () => {
    expect(checkQuestion('Do you like your job?').suggestion).toBe('What do you like most about your job?')
    expect(checkQuestion('Is it hard to get promoted?').suggestion).toBe('What makes it hard (or easy) to get promoted?')
    expect(checkQuestion('Would you recommend this career?').suggestion).toBe('What would you tell someone considering this career?')
    expect(checkQuestion('Do you prefer working remotely or in the office?').suggestion).toBe('How do you think about working remotely versus in the office?')
    expect(checkQuestion('Is there anything you wish you had known?').suggestion).toBe('What do you wish you had known?')
    expect(checkQuestion('Do you have any advice for a first-year student?').suggestion).toBe('What advice do you have for a first-year student?')
    expect(checkQuestion('Are there any certifications I should get?').suggestion).toBe('What certifications should I get?')
    expect(checkQuestion('You started as an intern?').suggestion).toBe('What led you to start as an intern?')
  })

  it('explains choices and confirmations in the reason', () => {
    expect(checkQuestion('Do you prefer working remotely or in the office?').reason).toMatch(/"working remotely" or "in the office"/)
    expect(checkQuestion("It's a competitive field, isn't it?").reason).toMatch(/isn't it/)
    expect(checkQuestion("Don't you get tired of the long hours?").reason).toMatch(/Don't you/)
  })

  it('judges a text of several sentences by its questions', () => {
    expect(checkQuestion('What was your first job? Did you like it?').closed).toBe(false)
    const check = checkQuestion("I'm studying nursing. Do you think it's a good choice?")
    expect(check.closed).toBe(true)
    expect(check.suggestion).toMatch(/^I'm studying nursing\. What /)
    expect(checkQuestion('I love this field.').closed).toBe(false)
  })

  it('finds every question of the standard bank open, not public, and on the topic it is filed under', () => {
    const { results, list } = checkQuestions(STANDARD_BANK.map(([, text]) => text))
    expect(results.filter((c) => c.closed || c.publicSource)).toEqual([])
    expect(results.map((c) => c.topic)).toEqual(STANDARD_BANK.map(([topic]) => topic))
    expect(list).toEqual({ topicsCovered: ['path', 'typical_day', 'likes_dislikes', 'future', 'advancement', 'advice'], topicsMissing: [], repeats: [] })
  })

  it('keeps the text trimmed and the answer within the API limits', () => {
    const long = `Do you think ${'the work you do with clients and colleagues '.repeat(10)}is worth it?`
    const check = checkQuestion(`  ${long}  `)
    expect(check.text).toBe(long)
    expect(check.closed).toBe(true)
    expect(check.suggestion!.length).toBeLessThanOrEqual(600)
    expect(check.reason!.length).toBeLessThanOrEqual(300)
    expect(checkQuestions(['Do you like your job?', 'What do you do?']).results.map((c) => c.closed)).toEqual([true, false])
  })
})
