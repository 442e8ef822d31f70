/**
 * The server's own routes in front of the engine: `GET /`, `/docs` with its bundled renderer, the favicon.
 * Everything else (the four APIs, /health, /docs/<api>.json) is the engine's.
 */
import type { WfkitApp } from '@wfkit/engine';
import { type DocsApi, FAVICON_SVG, homeLinks, renderDocs, renderHome } from './pages.js';
import { scalarBundle } from './scalar.js';

export interface SiteOptions {
  /** Where the console is served, when it is: linked from `GET /`. */
  consolePath?: string | undefined;
}

const SCALAR_PATH = '/docs/assets/scalar-api-reference.js';

/** The path under which an API's operations live on this server (the spec's first server URL's path). */
function basePathOf(spec: { servers?: { url: string }[] }): string {
  const url = spec.servers?.[0]?.url;
  if (!url) return '';
  try {
    return new URL(url.replace(/\{[^}]*\}/g, 'x')).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** Answers the site's routes; `undefined` for every other request (the engine's). */
export function createSite(app: WfkitApp, options: SiteOptions = {}) {
  let apis: DocsApi[] | undefined;
  const docsApis = (): DocsApi[] => {
    const order = ['idm', 'iga', 'kontent', 'flow'];
    const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
    apis ??= [...app.apis]
      .sort((a, b) => rank(a.name) - rank(b.name))
      .map((m): DocsApi => {
        const spec = m.spec as { info?: { title?: string }; servers?: { url: string }[] };
        return { name: m.name, title: spec.info?.title ?? m.name, basePath: m.basePath ?? basePathOf(spec) };
      });
    return apis as DocsApi[];
  };

  return async function site(request: Request): Promise<Response | undefined> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/': {
        const links = homeLinks(docsApis(), options.consolePath);
        if ((request.headers.get('accept') ?? '').includes('text/html')) {
          return new Response(renderHome(links, docsApis()), {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          });
        }
        return Response.json({ name: 'wfkit reference server', _links: links });
      }
      case '/docs':
      case '/docs/':
        return new Response(renderDocs(url.origin, docsApis(), app.config, SCALAR_PATH), {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
      case SCALAR_PATH:
        return new Response(await scalarBundle(), {
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
        });
      case '/favicon.ico':
      case '/favicon.svg':
        return new Response(FAVICON_SVG, {
          headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
        });
      default:
        return undefined;
    }
  };
}
