// Scoring the question checker against a labelled set (test/fixtures/questions/*.json).
import { readFileSync } from 'node:fs'
import { checkQuestion, TOPICS, type Topic } from '../../src/modules/questions/checker/index.js'
import { LABELLED } from '../../src/modules/questions/checker/labelled.js'

export interface Labelled {
  text: string
  closed: boolean
  publicSource: boolean
  topic: Topic
}

/** The part the topic reader learns from. */
export const DEV: Labelled[] = LABELLED.map(([text, topic, closed, publicSource]) => ({ text, topic, closed, publicSource }))
/** The part kept apart, for measuring only. */
export const HELD_OUT = JSON.parse(readFileSync(new URL('../fixtures/questions/held-out.json', import.meta.url), 'utf8')) as Labelled[]

export interface Evaluation {
  closed: number
  publicSource: number
  topicAccuracy: number
  /** Recall averaged over the seven classes, each class weighing the same. */
  topicMacroRecall: number
  topicMacroF1: number
  perTopic: Record<Topic, { n: number; recall: number; precision: number }>
  errors: Array<{ judgement: 'closed' | 'publicSource' | 'topic'; text: string; want: unknown; got: unknown }>
}

export function evaluate(set: Labelled[]): Evaluation {
  let closed = 0
  let publicSource = 0
  let topic = 0
  const errors: Evaluation['errors'] = []
  const counts = Object.fromEntries(TOPICS.map((t) => [t, { n: 0, predicted: 0, right: 0 }])) as Record<Topic, { n: number; predicted: number; right: number }>
  for (const q of set) {
    const check = checkQuestion(q.text)
    if (check.closed === q.closed) closed++
    else errors.push({ judgement: 'closed', text: q.text, want: q.closed, got: check.closed })
    if ((check.publicSource !== null) === q.publicSource) publicSource++
    else errors.push({ judgement: 'publicSource', text: q.text, want: q.publicSource, got: check.publicSource?.kind ?? false })
    counts[q.topic].n++
    counts[check.topic].predicted++
    if (check.topic === q.topic) {
      topic++
      counts[q.topic].right++
    } else errors.push({ judgement: 'topic', text: q.text, want: q.topic, got: check.topic })
  }
  const perTopic = Object.fromEntries(
    TOPICS.map((t) => [t, { n: counts[t].n, recall: counts[t].n ? counts[t].right / counts[t].n : 1, precision: counts[t].predicted ? counts[t].right / counts[t].predicted : 1 }]),
  ) as Evaluation['perTopic']
  const classes = TOPICS.filter((t) => counts[t].n > 0)
  const f1 = (t: Topic) => {
    const { recall, precision } = perTopic[t]
    return recall + precision ? (2 * recall * precision) / (recall + precision) : 0
  }
  return {
    closed: closed / set.length,
    publicSource: publicSource / set.length,
    topicAccuracy: topic / set.length,
    topicMacroRecall: classes.reduce((sum, t) => sum + perTopic[t].recall, 0) / classes.length,
    topicMacroF1: classes.reduce((sum, t) => sum + f1(t), 0) / classes.length,
    perTopic,
    errors,
  }
}
