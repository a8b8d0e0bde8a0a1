// A GET on a school's behalf (an identity provider's JWKS): only to addresses the outbound policy
// allows (destination.ts, checked on the addresses the connection really uses), within a time limit
// for the whole exchange, and reading at most `maxBytes` of the answer. No redirects are followed: a
// redirect could lead anywhere the policy was not asked about.
import http from 'node:http'
import https from 'node:https'
import ipaddr from 'ipaddr.js'
import { addressAllowed, checkedLookup } from './destination.js'

export interface BoundedGetOptions {
  /** Hosts, addresses or CIDR ranges allowed besides public addresses. */
  allowedHosts: string[]
  /** Any address at all: a URL the deployment itself configured (the platform's JWKS). */
  trusted?: boolean
  timeoutMs: number
  maxBytes: number
  headers?: Record<string, string>
}

/** Why a GET gave no usable answer; the message is safe to log and to show a school admin. */
export class OutboundError extends Error {}

export function boundedGet(target: string, options: BoundedGetOptions): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let url: URL
    try {
      url = new URL(target)
    } catch {
      reject(new OutboundError('the URL is not valid'))
      return
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      reject(new OutboundError('only http and https URLs are fetched'))
      return
    }
    // A literal address is connected to without a lookup, so the lookup's check would not run.
    const literal = url.hostname.replace(/^\[|\]$/g, '')
    if (!options.trusted && ipaddr.isValid(literal) && !addressAllowed(literal, options.allowedHosts)) {
      reject(new OutboundError(`refused: ${literal} is a loopback, private, link-local or reserved address`))
      return
    }
    let settled = false
    const finish = (error: Error | null, value?: { status: number; body: Buffer }) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(value!)
    }
    const client = url.protocol === 'https:' ? https : http
    const request = client.request(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'Vantage/1', ...options.headers },
      ...(options.trusted ? {} : { lookup: checkedLookup(options.allowedHosts) }),
      agent: false,
    })
    const timer = setTimeout(() => {
      request.destroy()
      finish(new OutboundError(`no answer within ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    request.on('response', (response) => {
      const declared = Number(response.headers['content-length'])
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy()
        finish(new OutboundError(`the answer is larger than ${options.maxBytes} bytes`))
        return
      }
      const chunks: Buffer[] = []
      let read = 0
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > options.maxBytes) {
          response.destroy()
          finish(new OutboundError(`the answer is larger than ${options.maxBytes} bytes`))
          return
        }
        chunks.push(chunk)
      })
      response.on('end', () => finish(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks) }))
      response.on('error', (error) => finish(new OutboundError(error.message)))
      response.on('close', () => finish(new OutboundError('the connection closed before the answer ended')))
    })
    request.on('error', (error) => finish(new OutboundError(error.message.startsWith('resolves to') ? `refused: ${url.hostname} ${error.message}` : error.message)))
    request.end()
  })
}
