// A local webhook receiver for trying webhooks: prints each delivery and whether its signature
// verifies with WEBHOOK_SECRET (the `standardwebhooks` package, as a receiver in any language would
// use a Standard Webhooks library). Answers 204, or STATUS when set (e.g. 500 to see retries).
// Usage: WEBHOOK_SECRET=whsec_… npx tsx scripts/webhook-receiver.ts [port, default 4000]
import http from 'node:http'
import { Webhook } from 'standardwebhooks'

const port = Number(process.argv[2] ?? 4000)
const secret = process.env.WEBHOOK_SECRET
const status = Number(process.env.STATUS ?? 204)
const seen = new Set<string>()

http
  .createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const id = String(request.headers['webhook-id'])
      let verdict = 'not checked (no WEBHOOK_SECRET)'
      if (secret) {
        try {
          new Webhook(secret).verify(body, request.headers as Record<string, string>)
          verdict = 'signature verified'
        } catch (error) {
          verdict = `SIGNATURE REJECTED: ${(error as Error).message}`
        }
      }
      console.log(`${new Date().toISOString()} ${id}${seen.has(id) ? ' (again)' : ''} ${verdict}\n  ${body}`)
      seen.add(id)
      response.writeHead(status).end()
    })
  })
  .listen(port, '127.0.0.1', () => console.log(`receiving on http://127.0.0.1:${port}/ (answering ${status})`))
