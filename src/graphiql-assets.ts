import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderGraphiQL } from 'graphql-yoga';

// Yoga's GraphiQL page loads its scripts from a public CDN; a machine without internet access would
// show "Loading..." forever. When the optional peer dependency @graphql-yoga/graphiql is installed
// (it is in this repository), the same files are served by the server from node_modules; without
// it (a production install), Yoga's page is served unchanged.
const ASSETS = '/graphiql-assets/';
const CDN = /https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@[^/]+\/dist\//g;
const FAVICON = /<link rel=icon href=https:\/\/raw\.githubusercontent\.com[^>]*>/;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const FILES = new Set([
  'graphiql.css',
  'yoga-graphiql.umd.js',
  'monacoeditorwork/editor.worker.bundle.js',
  'monacoeditorwork/json.worker.bundle.js',
  'monacoeditorwork/graphql.worker..bundle.js',
]);

let distDir: string | null | undefined;
/** The folder of @graphql-yoga/graphiql's files, or null when the package is not installed. */
function dist(): string | null {
  if (distDir === undefined)
    try {
      distDir = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql'));
    } catch {
      distDir = null;
    }
  return distDir;
}
const cache = new Map<string, Buffer>();

/** Yoga's GraphiQL page with every asset pointing at this server (when it has them). */
export function renderLocalGraphiQL(options: Parameters<typeof renderGraphiQL>[0]): string {
  // Yoga's page opens on `query` (then the URL's ?query=), not on `defaultQuery`, which GraphiQL
  // only uses for new tabs: pass it as both.
  const opened = { ...options, query: options?.defaultQuery };
  const page = renderGraphiQL(opened);
  return dist() === null ? page : page.replace(CDN, ASSETS).replace(FAVICON, '');
}

/** A Yoga plugin serving GraphiQL's scripts and styles from node_modules (cached, immutable). */
export function useLocalGraphiQLAssets() {
  return {
    onRequest({
      url,
      endResponse,
      fetchAPI,
    }: {
      url: URL;
      endResponse: (r: Response) => void;
      fetchAPI: { Response: typeof Response };
    }) {
      if (!url.pathname.startsWith(ASSETS)) return;
      const name = url.pathname.slice(ASSETS.length);
      const folder = dist();
      if (!FILES.has(name) || folder === null) {
        endResponse(new fetchAPI.Response('not found', { status: 404 }));
        return;
      }
      let body = cache.get(name);
      if (!body) {
        body = readFileSync(join(folder, name));
        cache.set(name, body);
      }
      const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
      endResponse(
        new fetchAPI.Response(new Uint8Array(body), {
          headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
        }),
      );
    },
  };
}
