// The demo host of <watt-precheck> (web/embed-demo/), as a data collector's portal would be:
// its page at /, watt's built dist/ under /watt/, and an upload endpoint, POST /upload, that
// keeps what it receives. Every response carries EMBED_CSP, the Content-Security-Policy that
// web/README.md states for a host page; every request is recorded, body included, so a test
// can check what left the browser. Bound to 127.0.0.1 only.
//
//   node tests/support/embed-server.mjs [PORT]     (default 8081; needs web/dist built)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TYPES } from './serve.mjs';

const WEB = fileURLToPath(new URL('../..', import.meta.url));

/** What a page hosting the element needs, and nothing more (see web/README.md). */
export const EMBED_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; " +
  "style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HEADERS = {
  'Content-Security-Policy': EMBED_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/** `path` under `root`, or null when it would leave it. */
function under(root, path) {
  const file = normalize(join(root, path));
  return file === root || file.startsWith(root + sep) ? file : null;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Serves the demo. Resolves to {url, requests, uploads, close}: `requests` lists
 * {method, path, body} in order; `uploads` the parsed forms received by POST /upload, each a
 * list of [name, value] where a file is {name, type, bytes}.
 */
export function serveEmbedDemo({ port = 0, demo = join(WEB, 'embed-demo'), dist = join(WEB, 'dist') } = {}) {
  const roots = { demo: resolve(demo), dist: resolve(dist) };
  const requests = [];
  const uploads = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const body = await readBody(req);
    requests.push({ method: req.method, path, body });
    if (req.method === 'POST' && path === '/upload') {
      const form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] || '' } })
        .formData()
        .catch(() => null);
      if (!form) {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', ...HEADERS }).end('not a form');
        return;
      }
      const fields = [];
      for (const [name, value] of form) {
        fields.push([name, typeof value === 'string' ? value : { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) }]);
      }
      uploads.push(fields);
      const files = fields.filter(([, v]) => typeof v !== 'string').map(([n, v]) => `${n}: ${v.name}, ${v.bytes.length} bytes`);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...HEADERS });
      res.end(`<!doctype html><meta charset="utf-8"><title>Reçu</title><h1 id="received">Reçu</h1><p>${files.join('; ').replace(/[<&]/g, '')}</p>`);
      return;
    }
    const file = path.startsWith('/watt/') ? under(roots.dist, path.slice('/watt/'.length)) : under(roots.demo, path);
    try {
      if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) throw new Error('refused');
      const target = (await stat(file)).isDirectory() ? join(file, 'index.html') : file;
      const content = await readFile(target);
      res.writeHead(200, { 'Content-Type': TYPES[extname(target)] || 'application/octet-stream', 'Content-Length': content.length, ...HEADERS });
      res.end(req.method === 'HEAD' ? undefined : content);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...HEADERS }).end('not found');
    }
  });
  return new Promise((ok) => {
    server.listen(port, '127.0.0.1', () => {
      ok({
        url: `http://127.0.0.1:${server.address().port}/`,
        requests,
        uploads,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, uploads } = await serveEmbedDemo({ port: Number(process.argv[2] || 8081) });
  console.log(`demo host on ${url} (uploads are counted here, not kept)`);
  setInterval(() => {
    while (uploads.length) {
      const fields = uploads.shift();
      console.log('upload:', fields.map(([n, v]) => (typeof v === 'string' ? n : `${n} (${v.name}, ${v.bytes.length} bytes)`)).join(', '));
    }
  }, 500);
}
