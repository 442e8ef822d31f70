/**
 * Serves the built console (apps/console, `vite build`) at /console: hashed assets as immutable files, every other
 * /console path as the app's index.html (its router takes the rest, so deep links work). On a server running with the
 * documented dev credentials, index.html carries them so the sign-in form is prefilled; never on a configured server.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { CONFIG_DEFAULTS, type WfkitConfig } from '@wfkit/engine';
import { DEMO_IGA_USERS } from './demo/load.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
  '.map': 'application/json',
};

// Everything the console loads comes from this server: no CDN, no inline script.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** The sign-in values to prefill: only the credentials still at their documented dev defaults. */
export function consoleDefaults(config: WfkitConfig): Record<string, unknown> | undefined {
  const idmUser = config.idm.users.find(
    (u) =>
      u.username === 'openidm-admin' &&
      `${u.username}:${u.password}:${u.roles.join('|')}` === CONFIG_DEFAULTS.WFKIT_IDM_USERS,
  );
  const kontent =
    config.kontent.apiKey === CONFIG_DEFAULTS.WFKIT_KONTENT_API_KEY &&
    config.kontent.environmentId === CONFIG_DEFAULTS.WFKIT_KONTENT_ENVIRONMENT_ID;
  const iga = config.iga.token === CONFIG_DEFAULTS.WFKIT_IGA_TOKEN;
  const flow =
    config.flow.apiKey === CONFIG_DEFAULTS.WFKIT_FLOW_API_KEY &&
    config.flow.customerId === CONFIG_DEFAULTS.WFKIT_FLOW_CUSTOMER_ID;
  // The demo's IGA users (their tokens are dev values): the sign-in page offers to act as one of them.
  const igaUsers = (config.iga.users ?? [])
    .filter((u) => DEMO_IGA_USERS.some((d) => d.token === u.token && d.userId === u.userId))
    .map((u) => ({ token: u.token, actor: `managed/user/${u.userId}` }));
  if (!idmUser && !kontent && !iga && !flow && igaUsers.length === 0) return undefined;
  return {
    ...(igaUsers.length ? { igaUsers } : {}),
    idm: idmUser ? { username: idmUser.username, password: idmUser.password } : { username: '', password: '' },
    kontent: kontent
      ? { environmentId: config.kontent.environmentId, apiKey: config.kontent.apiKey }
      : { environmentId: '', apiKey: '' },
    iga: { token: iga ? config.iga.token : '', actor: '' },
    flow: flow ? { apiKey: config.flow.apiKey, customerId: config.flow.customerId } : { apiKey: '', customerId: '' },
  };
}

export type ConsoleHandler = (request: Request) => Promise<Response> | undefined;

/** A handler for /console paths (undefined for every other path). */
export function consoleHandler(dir: string, config: WfkitConfig): ConsoleHandler {
  const root = resolve(dir);
  const defaults = consoleDefaults(config);
  let index: Promise<string> | undefined;
  const loadIndex = () => {
    index ??= readFile(join(root, 'index.html'), 'utf8').then((html) =>
      defaults
        ? html.replace(
            '</head>',
            // JSON data, not a script: `<` is escaped so the values cannot close the element.
            `<script type="application/json" id="wfkit-console-defaults">${JSON.stringify(defaults).replace(/</g, '\\u003c')}</script></head>`,
          )
        : html,
    );
    index.catch(() => {
      index = undefined;
    });
    return index;
  };
  return (request) => {
    const url = new URL(request.url);
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return undefined;
    return (async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
      const rest = decodeURIComponent(url.pathname.slice('/console'.length));
      if (rest.startsWith('/assets/')) {
        const file = resolve(root, `.${rest}`);
        // `rest` is decoded, so `..%2F` arrives here as `../`: only files inside assets/ are served.
        if (!file.startsWith(join(root, 'assets') + sep)) return new Response('Not found', { status: 404 });
        try {
          const body = await readFile(file);
          return new Response(request.method === 'HEAD' ? null : body, {
            headers: {
              'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
              'cache-control': 'public, max-age=31536000, immutable',
            },
          });
        } catch {
          return new Response('Not found', { status: 404 });
        }
      }
      try {
        const html = await loadIndex();
        return new Response(request.method === 'HEAD' ? null : html, {
          headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', 'content-security-policy': CSP },
        });
      } catch {
        return new Response('The console is not built: run `pnpm build` (or `pnpm start`, which builds it).', {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      }
    })();
  };
}
