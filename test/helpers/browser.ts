// A real browser for the tests of what people open in one: Debian's Chromium (apt-get install
// chromium), driven by playwright-core, which never downloads a browser of its own. Without it the
// browser tests are skipped with a notice, except under CI (CI=true), where they must run.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const browserTestsRun = existsSync(CHROMIUM_PATH) || process.env.CI === 'true'

if (!browserTestsRun) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`)

/** Headless, with nothing of its own reaching the network (the machines have none). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}
