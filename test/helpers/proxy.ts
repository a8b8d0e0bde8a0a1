// A TCP proxy in front of PostgreSQL that can refuse connections, swallow them (accept and never
// answer), or pass them on; switching mode cuts every open connection, as a database restart does.
import net from 'node:net'

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
