// The question checker measured on a labelled set of questions written for the purpose: 432 the topic
// reader learns from (src/modules/questions/checker/labelled.ts) and 180 held out
// (test/fixtures/questions/held-out.json), each labelled closed or not, answerable from public sources
// or not, and with one of the guide's six topics or other. The held-out part must reach the issue's
// accuracies: closed 0.95, public source 0.9, topic 0.85 (recall averaged over the seven classes).
// `npx tsx scripts/question-evaluation.ts held-out --errors` lists what it gets wrong.
import { describe, expect, it } from 'vitest'
import { checkQuestion, checkQuestions } from '../src/modules/questions/checker/index.js'
import { DEV, evaluate, HELD_OUT } from './helpers/question-evaluation.js'

const TARGETS = { closed: 0.95, publicSource: 0.9, topicMacroRecall: 0.85 }

function report(name: string, set: typeof DEV) {
  const r = evaluate(set)
  console.info(
    `${name} (${set.length}): closed ${r.closed.toFixed(3)}, public source ${r.publicSource.toFixed(3)}, topic accuracy ${r.topicAccuracy.toFixed(3)}, ` +
      `macro recall ${r.topicMacroRecall.toFixed(3)}, macro F1 ${r.topicMacroF1.toFixed(3)}`,
  )
  return r
}

describe('the question checker on the labelled set', () => {
  it('holds the set it is measured on: 612 questions, every topic and both verdicts present in each part', () => {
    expect(DEV.length).toBe(432)
    expect(HELD_OUT.length).toBe(180)
    for (const part of [DEV, HELD_OUT]) {
      expect(new Set(part.map((q) => q.topic)).size).toBe(7)
      expect(part.filter((q) => q.closed).length).toBeGreaterThan(part.length / 5)
      expect(part.filter((q) => q.publicSource).length).toBeGreaterThan(part.length / 8)
      // Every public-source question is labelled `other`, as the checker reads them.
      expect(part.filter((q) => q.publicSource && q.topic !== 'other')).toEqual([])
    }
    const dev = new Set(DEV.map((q) => q.text.toLowerCase()))
    expect(HELD_OUT.filter((q) => dev.has(q.text.toLowerCase()))).toEqual([])
  })

  it('reaches the target accuracies on the held-out part', () => {
    const r = report('held-out', HELD_OUT)
    expect(r.closed).toBeGreaterThanOrEqual(TARGETS.closed)
    expect(r.publicSource).toBeGreaterThanOrEqual(TARGETS.publicSource)
    expect(r.topicMacroRecall).toBeGreaterThanOrEqual(TARGETS.topicMacroRecall)
  })

  it('reaches them on the part it learns from too', () => {
    const r = report('dev', DEV)
    expect(r.closed).toBeGreaterThanOrEqual(TARGETS.closed)
    expect(r.publicSource).toBeGreaterThanOrEqual(TARGETS.publicSource)
    expect(r.topicMacroRecall).toBeGreaterThanOrEqual(TARGETS.topicMacroRecall)
  })
})

describe('questions a website answers', () => {
  it.each([
    ['When was your company founded?', 'company-facts', 'How has the organization changed since you joined, and how has that shaped your work?'],
    ['How many employees does your company have?', 'company-facts', 'What is it like to work in an organization of this size, day to day?'],
    ["What is the company's annual revenue?", 'company-facts', "How do the organization's business goals show up in your own work?"],
    ['Where is your headquarters?', 'company-facts', 'How does where your team is based shape the way you work with the rest of the organization?'],
    ['Who is the CEO of the firm?', 'company-facts', "How does the direction set by leadership reach your team's work?"],
    ['Is the company publicly traded?', 'company-facts', "How do the organization's business goals show up in your own work?"],
    ['What is the median salary for a registered nurse?', 'statistics', 'What do the published figures on pay leave out about this work, from where you sit?'],
    ['What does CPA stand for?', 'definition', 'How does CPA come up in your day-to-day work?'],
    ['What degree is required to become a pharmacist?', 'requirements', 'Beyond the formal requirements, what prepared you best for this work?'],
    ['Do you need to pass the bar exam to practice law?', 'requirements', 'How did you prepare for the licences or exams this work asks for, and what would you do differently?'],
    ['How many supervised hours does the state board require?', 'requirements', 'Beyond the formal requirements, what prepared you best for this work?'],
    ['What does HIPAA refer to?', 'definition', 'How does HIPAA come up in your day-to-day work?'],
    ['Could you tell me whether the agency has offices abroad?', 'company-facts', 'How does where your team is based shape the way you work with the rest of the organization?'],
  ] as const)('%j asks for %s', (text, kind, suggestion) => {
    const check = checkQuestion(text)
    expect(check.publicSource).toEqual({ kind, reason: expect.stringMatching(/^The answer is .+ look this up beforehand, and ask about the person's own experience instead\.$/), suggestion })
    expect(check.topic).toBe('other')
  })

  it.each([
    "How has the company's growth changed your job?",
    'Which certification helped you most?',
    'What did you find hardest about the licensing exam?',
    'How did you decide to join a company of this size?',
    'What does success mean to you?',
  ])('%j asks for the person\'s own experience', (text) => {
    expect(checkQuestion(text).publicSource).toBeNull()
  })
})

describe('a list of questions read together', () => {
  it('names the topics it covers and misses, and the questions that repeat each other', () => {
    const { results, list } = checkQuestions([
      'How did you get started in nursing?',
      'What do you enjoy most about your work?',
      'What do you enjoy the most about your job?',
      'When was the hospital founded?',
      'Do you like your job?',
    ])
    expect(results.map((r) => [r.topic, r.closed, r.publicSource?.kind ?? null])).toEqual([
      ['path', false, null],
      ['likes_dislikes', false, null],
      ['likes_dislikes', false, null],
      ['other', false, 'company-facts'],
      ['likes_dislikes', true, null],
    ])
    expect(list).toEqual({
      topicsCovered: ['path', 'likes_dislikes'],
      topicsMissing: ['typical_day', 'future', 'advancement', 'advice'],
      repeats: [{ first: 1, second: 2 }],
    })
  })
})
