// A TCP proxy in front of PostgreSQL that can refuse connections, swallow them (accept and never
// answer), or pass them on; switching mode cuts every open connection, as a database restart does.
import net from 'node:net'
import { createTestDatabase, type TestDatabase } from './database.js'

export type Mode = 'forward' | 'refuse' | 'blackhole'

export class Proxy {
  readonly server: net.Server
  mode: Mode = 'forward'
  readonly sockets = new Set<net.Socket>()
  constructor(target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      this.sockets.add(client)
      client.on('close', () => this.sockets.delete(client))
      client.on('error', () => {})
      if (this.mode === 'refuse') return client.destroy()
      if (this.mode === 'blackhole') return // accept and never answer
      const upstream = net.connect(target.port, target.host)
      this.sockets.add(upstream)
      upstream.on('close', () => this.sockets.delete(upstream))
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      client.pipe(upstream).pipe(client)
    })
  }
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return (this.server.address() as net.AddressInfo).port
  }
  cut(mode: Mode) {
    this.mode = mode
    for (const socket of this.sockets) socket.destroy()
  }
}

/** A test database of its own behind a proxy: the URL to give the app goes through the proxy. */
export async function proxiedDatabase(): Promise<{ db: TestDatabase; proxy: Proxy; url: string }> {
  const db = await createTestDatabase()
  const target = new URL(db.appUrl)
  const proxy = new Proxy({ host: target.hostname, port: Number(target.port || 5432) })
  const proxied = new URL(db.appUrl)
  proxied.hostname = '127.0.0.1'
  proxied.port = String(await proxy.listen())
  return { db, proxy, url: proxied.toString() }
}
