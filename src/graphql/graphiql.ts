// GraphiQL at /graphiql, served whole by this service: the page, GraphiQL 3's bundle and the React 18
// it runs on come from the packages installed with the service (graphiql, react, react-dom), read
// once at start-up, so the explorer works on a machine without internet access and its
// Content-Security-Policy allows the service's own origin alone. Mercurius' own GraphiQL loads them
// from a public CDN at run time, and is not used.
//
// On outside production; in production only when GRAPHIQL_ENABLED is set, for staff building
// dashboard queries. The page asks for a token and keeps it in the page's memory only: it is sent
// with each query as the Authorization header, never stored by the server nor in the browser's
// storage (GraphiQL's own storage of editors and tabs is kept in memory too).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { notFound } from '../infra/http/problem.js'

const require = createRequire(import.meta.url)

const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  'react.js': { module: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.js': { module: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.css': { module: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
}

/** A file of an installed package (read from its folder: the packages' exports do not list these). */
const packageFile = (module: string, file: string) => join(dirname(require.resolve(`${module}/package.json`)), file)

export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL and CodeMirror set style attributes on their elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vantage GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<link rel="stylesheet" href="/graphiql/assets/page.css">
</head>
<body>
<form id="token-form" aria-label="Access token">
  <label for="token">Bearer token (kept in this page only)</label>
  <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" placeholder="Paste an advisor's or a client's access token">
</form>
<div id="graphiql">Loading…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script src="/graphiql/assets/start.js"></script>
</body>
</html>
`

const PAGE_CSS = `html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#token-form { display: flex; gap: .5rem; align-items: center; padding: .4rem .8rem; border-bottom: 1px solid #ddd; }
#token-form input { flex: 1; font-family: monospace; padding: .2rem .4rem; }
#graphiql { flex: 1; min-height: 0; }
`

/** Mounts GraphiQL with a fetcher that sends the token typed in the page, and storage in memory. */
const START = `(function () {
  var token = document.getElementById('token');
  document.getElementById('token-form').addEventListener('submit', function (event) { event.preventDefault(); });
  var memory = {};
  var storage = {
    getItem: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
    setItem: function (key, value) { memory[key] = String(value); },
    removeItem: function (key) { delete memory[key]; },
    clear: function () { memory = {}; },
    get length() { return Object.keys(memory).length; }
  };
  function fetcher(params) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (token.value.trim()) headers.authorization = 'Bearer ' + token.value.trim();
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(params), credentials: 'omit' })
      .then(function (response) { return response.json(); });
  }
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    storage: storage,
    shouldPersistHeaders: false,
    defaultQuery: '# Type a token above, then run a query, e.g.\\n{ me { kind roles } }\\n'
  }));
})();
`

export default async function graphiql(app: FastifyInstance) {
  const files = new Map<string, { body: Buffer | string; type: string }>(
    Object.entries(ASSETS).map(([name, { module, file, type }]) => [name, { body: readFileSync(packageFile(module, file)), type }]),
  )
  files.set('start.js', { body: START, type: 'text/javascript; charset=utf-8' })
  files.set('page.css', { body: PAGE_CSS, type: 'text/css; charset=utf-8' })
  const security = { 'content-security-policy': GRAPHIQL_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }

  app.get('/graphiql', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.headers({ ...security, 'cache-control': 'no-store' }).type('text/html; charset=utf-8').send(PAGE),
  )
  app.get('/graphiql/assets/:file', { config: { public: true }, schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 40 }) }) } }, async (request, reply) => {
    const file = files.get((request.params as { file: string }).file)
    if (!file) throw notFound('asset')
    return reply.headers({ ...security, 'cache-control': 'public, max-age=3600' }).type(file.type).send(file.body)
  })
}
