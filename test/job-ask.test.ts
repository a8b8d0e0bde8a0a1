// asksForJob(): the guide's "seeking information only (not a job)", read from a purpose or a message.
import { describe, expect, it } from 'vitest'
import { asksForJob, jobAskWarnings } from '../src/modules/guide/job-ask.js'

const ASKING = [
  'Can you hire me?',
  'I would love to work for you next summer',
  'Are there any openings on your team?',
  'Could you refer me for a position at Globex?',
  'I am looking for an internship in nursing',
  'Hoping to land a job at your hospital after I graduate',
  'Would you consider me for open positions?',
  'Could you recommend me for the analyst role?',
  'I plan to apply for a job at Initech and want your advice on my application',
  'Do you have job openings for new graduates?',
  'Could you give me an internship?',
  'I am searching for a job in UX research.',
]

const NOT_ASKING = [
  'Learn what a product manager does, not to ask for a job',
  'Learning about nursing; not looking for a job',
  'I am exploring nursing and would value 30 minutes to learn about your path; I am not asking about jobs.',
  'I would like to learn about your work; I am not looking for a job.',
  'What is your job like day to day?',
  'How did you find your first job in engineering?',
  'I want to understand how people move into product roles',
  'I am curious what an internship taught you when you started',
  'Information only, no job requests: I would like to hear about your path',
  'See a design team at work',
  'I won\'t be asking for a position, just advice',
]

describe('asksForJob()', () => {
  it.each(ASKING)('reads "%s" as asking for a job', (text) => {
    expect(asksForJob(text)).toBe(true)
  })

  it.each(NOT_ASKING)('reads "%s" as seeking information', (text) => {
    expect(asksForJob(text)).toBe(false)
  })

  it('warns with the guide\'s reason, naming the field', () => {
    expect(jobAskWarnings('purpose', 'Can you hire me?')).toEqual([{ code: 'job-ask', field: 'purpose', message: expect.stringContaining('seeking information only, not a job') }])
    expect(jobAskWarnings('purpose', null)).toEqual([])
  })
})
