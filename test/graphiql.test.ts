// GraphiQL as a person opens it (a real headless Chromium on a real HTTP server): it works with no
// request leaving the service's origin (its scripts and styles come with the package), the page's
// Content-Security-Policy allows that origin alone, a token typed into the page runs a dashboard
// query and shows the result, and nothing stores the token. GRAPHIQL_ENABLED turns it on and off.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { GRAPHIQL_CSP } from '../src/graphql/graphiql.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { browserTestsRun, launchBrowser } from './helpers/browser.js'

/** The page's document, as the callbacks run in the browser see it (the tests are compiled without the DOM's types). */
declare const document: { querySelector(selector: string): ({ textContent: string | null } & Record<string, unknown>) | null }
declare const localStorage: Record<string, string>
declare const sessionStorage: Record<string, string>

const DASHBOARD = '{ me { kind roles } report(from: "2030-01-01", to: "2030-01-31") { perspectives { students studentsWithNone } } }'

describe.skipIf(!browserTestsRun)('GraphiQL in a browser', () => {
  let t: TestApp
  let school: TestSchool
  let browser: Browser
  let base = ''

  beforeAll(async () => {
    t = await build()
    school = await t.school('giql-u')
    base = await t.listen()
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('loads from the service alone, runs a dashboard query with the token typed in, and shows the answer', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const requests: string[] = []
    page.on('request', (request) => void requests.push(request.url()))
    const errors: string[] = []
    page.on('pageerror', (error) => void errors.push(error.message))

    const opened = await page.goto(`${base}/graphiql`)
    expect(opened!.status()).toBe(200)
    expect(opened!.headers()['content-security-policy']).toBe(GRAPHIQL_CSP)
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 })

    await page.fill('#token', school.members.advisor!.token)
    await page.evaluate((query) => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } }
      editor.CodeMirror.setValue(query)
    }, DASHBOARD)
    await page.click('.graphiql-execute-button')
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('studentsWithNone'), undefined, { timeout: 20_000 })
    const answer = JSON.parse((await page.evaluate(() => {
      const editor = document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }
      return editor.CodeMirror.getValue()
    })) as string)
    expect(answer).toEqual({ data: { me: { kind: 'member', roles: ['advisor'] }, report: { perspectives: { students: 1, studentsWithNone: 1 } } } })

    // Every request went to the service itself; nothing kept the token.
    expect(requests.length).toBeGreaterThan(4)
    expect(requests.filter((url) => new URL(url).origin !== base && !url.startsWith('data:'))).toEqual([])
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(school.members.advisor!.token.slice(-20))
    expect((await context.cookies()).length).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('answers a query without a token as GraphQL answers it: unauthenticated', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/graphiql`)
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 })
    await page.evaluate(() => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } }
      editor.CodeMirror.setValue('{ me { kind } }')
    })
    await page.click('.graphiql-execute-button')
    await page.waitForFunction(() => /token|authenticat/i.test(document.querySelector('.graphiql-response')?.textContent ?? ''), undefined, { timeout: 20_000 })
    await page.close()
  }, 60_000)
})

describe('GRAPHIQL_ENABLED', () => {
  it('is on outside production and off in production unless set', () => {
    // What production requires (the values are never used: no connection is made).
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://u:p@db.example/x', APP_DB_PASSWORD: 'x', SIGNING_KEYS: '[]', PUBLIC_URL: 'https://vantage.example' }
    expect(loadConfig({ NODE_ENV: 'development' }).graphiqlEnabled).toBe(true)
    expect(loadConfig({ NODE_ENV: 'development', GRAPHIQL_ENABLED: 'false' }).graphiqlEnabled).toBe(false)
    expect(loadConfig(production).graphiqlEnabled).toBe(false)
    expect(loadConfig({ ...production, GRAPHIQL_ENABLED: 'true' }).graphiqlEnabled).toBe(true)
  })

  it('serves nothing at /graphiql when off, and the page and its assets when on', async () => {
    const off = await build({ GRAPHIQL_ENABLED: 'false' })
    try {
      expect((await off.request({ method: 'GET', url: '/graphiql' })).statusCode).toBe(404)
    } finally {
      await off.close()
    }
    const on = await build({ GRAPHIQL_ENABLED: 'true' })
    try {
      const page = await on.request({ method: 'GET', url: '/graphiql' })
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(page.body).not.toMatch(/https?:\/\//)
      for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css', 'start.js', 'page.css']) {
        const answer = await on.request({ method: 'GET', url: `/graphiql/assets/${asset}` })
        expect(answer.statusCode, asset).toBe(200)
      }
      expect((await on.request({ method: 'GET', url: '/graphiql/assets/nothing.js' })).statusCode).toBe(404)
    } finally {
      await on.close()
    }
  })
})
