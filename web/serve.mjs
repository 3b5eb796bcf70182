// npm run web: builds web/dist/ and serves it on http://127.0.0.1:PORT (default 8787; PORT=0
// picks a free one) with the headers a cross-origin-isolated page needs (COOP/COEP, so
// SharedArrayBuffer works) and .wasm as application/wasm. Static files only: any static host
// with these two headers serves the same page.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWeb } from "./build.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on 127.0.0.1:`port`; resolves to the server once it listens. */
export function serveWeb(dir, port = 8787) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await buildWeb();
  const server = await serveWeb(dir, Number(process.env.PORT ?? 8787));
  console.log(`spikeproof web: http://127.0.0.1:${server.address().port}/ (Ctrl-C to stop)`);
}
