// Expected answers shared by the API tests: content types, ids, and problem+json bodies.
import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
export const JSON_TYPE = 'application/json; charset=utf-8'
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** A well-formed id that names nothing. */
export const ABSENT_ID = '01900000-0000-7000-8000-000000000000'

export const forbiddenBody = (instance: string) => ({
  type: 'urn:vantage:problem:forbidden',
  title: 'The caller may not do this',
  status: 403,
  detail: 'Your role or scopes do not allow this',
  instance,
})

export const notFoundBody = (what: string, instance: string) => ({
  type: 'urn:vantage:problem:not-found',
  title: 'No such resource',
  status: 404,
  detail: `No such ${what}`,
  instance,
})

/** The status, the problem content type and the body of an error answer. */
export function expectProblem(response: LightMyRequestResponse, status: number, body: Record<string, unknown>) {
  expect(response.statusCode, response.body).toBe(status)
  expect(response.headers['content-type']).toBe(PROBLEM_JSON)
  expect(response.json()).toEqual(body)
}
