// A tiny static file server for the tests and for trying the page locally, bound to
// 127.0.0.1 only. It sends the headers of dist/_headers (the Content-Security-Policy among
// them) with every file, as a static host configured from that file would, and records
// every request it receives so a test can list them.
//
//   node tests/support/serve.mjs [DIR] [PORT]     (defaults: dist, 8080)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

/** The headers listed under `/*` in a Netlify-style _headers file. */
function headersFrom(file) {
  if (!existsSync(file)) return {};
  const headers = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s+([A-Za-z-]+):\s*(.+)$/.exec(line);
    if (m) headers[m[1]] = m[2].trim();
  }
  return headers;
}

/**
 * Serves `dir` on 127.0.0.1. Resolves to {url, requests, close}: `requests` is the list of
 * paths asked for, in order. With `headers: false` the _headers file is ignored, as on a
 * static host that sends no security headers: the page must then protect itself.
 */
export function serve(dir, { port = 0, headers = true } = {}) {
  const root = resolve(dir);
  const extra = headers ? headersFrom(join(root, '_headers')) : {};
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    requests.push(path);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...extra }).end('not found');
    }
  });
  return new Promise((ok) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      ok({
        url: `http://127.0.0.1:${actual}/`,
        requests,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] || join(fileURLToPath(new URL('../..', import.meta.url)), 'dist');
  const { url } = await serve(dir, { port: Number(process.argv[3] || 8080) });
  console.log(`serving ${dir} on ${url}`);
}
