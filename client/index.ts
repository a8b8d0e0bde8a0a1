// A typed client of the Vantage API for portal teams: the types are generated from openapi.yaml
// (`npm run client:types`, openapi-typescript; a test keeps them in step with the document) and the
// requests go through openapi-fetch, so a path, a parameter, a body or a field that the document
// does not have is a compile error. Copy this folder into a portal's code base, or generate the
// types there from the published document in the same way.
import createClient, { type Client } from 'openapi-fetch'
import type { paths } from './vantage.js'

export type { components, operations, paths } from './vantage.js'
export type VantageClient = Client<paths>

/** A client for one caller: a member's token from the school's sign-in, or an integration client's. */
export function vantageClient(baseUrl: string, token?: string): VantageClient {
  return createClient<paths>({ baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {} })
}

/** An integration client's access token (OAuth 2.0 client credentials, RFC 6749 §4.4). */
export async function clientCredentialsToken(baseUrl: string, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const { data, error } = await vantageClient(baseUrl).POST('/v1/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  if (!data) throw new Error(`no token: ${JSON.stringify(error)}`)
  return data.access_token
}
