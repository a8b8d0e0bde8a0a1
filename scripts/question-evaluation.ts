// Measures the question checker on the labelled set in test/fixtures/questions: accuracy per
// judgement (closed, public source) and, for topics, accuracy and macro-averaged recall and F1 over
// the seven classes; lists what it got wrong with --errors.
// `npx tsx scripts/question-evaluation.ts [dev|held-out] [--errors]` (dev: the labelled questions the
// topic reader learns from, src/modules/questions/checker/labelled.ts; held-out: test/fixtures/questions).
import { DEV, evaluate, HELD_OUT } from '../test/helpers/question-evaluation.js'

const part = process.argv[2] === 'held-out' ? 'held-out' : 'dev'
const set = part === 'held-out' ? HELD_OUT : DEV
const report = evaluate(set)
console.log(`${part}: ${set.length} questions`)
console.log(`closed        ${report.closed.toFixed(3)}`)
console.log(`public source ${report.publicSource.toFixed(3)}`)
console.log(`topic         accuracy ${report.topicAccuracy.toFixed(3)}, macro recall ${report.topicMacroRecall.toFixed(3)}, macro F1 ${report.topicMacroF1.toFixed(3)}`)
for (const [topic, r] of Object.entries(report.perTopic)) console.log(`  ${topic.padEnd(15)} recall ${r.recall.toFixed(2)} precision ${r.precision.toFixed(2)} (n=${r.n})`)
if (process.argv.includes('--errors')) for (const e of report.errors) console.log(`${e.judgement.padEnd(12)} want ${String(e.want).padEnd(14)} got ${String(e.got).padEnd(14)} ${e.text}`)
