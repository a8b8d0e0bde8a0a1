// A webhook receiver on 127.0.0.1 for the tests.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook as StandardWebhook } from 'standardwebhooks'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  arrivedAt: number
  answeredAt: number
}

export interface ReceivedEvent {
  id: string
  type: string
  timestamp: string
  data: Record<string, unknown>
}

/**
 * Answers each request with `status` after `delayMs` (both set by the test). `arrived` notes every
 * request's arrival; `received` keeps the requests answered 2xx, as a receiver that took them.
 */
export class Receiver {
  readonly received: Received[] = []
  readonly arrived: number[] = []
  status = 200
  delayMs = 0
  #server: http.Server | null = null
  port = 0

  async start(port = 0): Promise<void> {
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const arrivedAt = Date.now()
        this.arrived.push(arrivedAt)
        const answer = () => {
          if (this.status >= 200 && this.status < 300) {
            this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), arrivedAt, answeredAt: Date.now() })
          }
          response.writeHead(this.status).end()
        }
        if (this.delayMs) setTimeout(answer, this.delayMs)
        else answer()
      })
    })
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve))
    this.port = (this.#server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`
  }

  /** Every request received, verified with the secret (a bad signature throws), in arrival order. */
  events(secret: string): ReceivedEvent[] {
    return this.received.map((entry) => {
      const body = new StandardWebhook(secret).verify(entry.body, {
        'webhook-id': String(entry.headers['webhook-id']),
        'webhook-timestamp': String(entry.headers['webhook-timestamp']),
        'webhook-signature': String(entry.headers['webhook-signature']),
      }) as Omit<ReceivedEvent, 'id'>
      return { id: String(entry.headers['webhook-id']), ...body }
    })
  }
}
