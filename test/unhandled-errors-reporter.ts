// For .ci/run, what vitest's JSON report leaves out: the errors that escaped every test (an uncaught
// exception, an unhandled rejection, a throw in a global teardown). With all tests passed, the JSON
// report says `success: true` despite them; .ci/run fails the run when this file lists any.
import { writeFile } from 'node:fs/promises'
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node'

export default class UnhandledErrorsReporter implements Reporter {
  readonly #outputFile: string

  constructor(options: { outputFile?: string } = {}) {
    this.#outputFile = options.outputFile ?? '.vitest-unhandled-errors.json'
  }

  async onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason) {
    const errors = unhandledErrors.map((error) => ({ name: error.name, message: error.message }))
    await writeFile(this.#outputFile, `${JSON.stringify({ reason, unhandledErrors: errors }, null, 2)}\n`)
  }
}
