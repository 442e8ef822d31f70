/**
 * The server's own pages: `GET /` (where things are), `/docs` (the Scalar API reference of the four specs, with
 * try-it against this server) and the favicon. The specs themselves are the engine's `/docs/<api>.json`.
 */
import type { WfkitConfig } from '@wfkit/engine';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** One API as /docs shows it. */
export interface DocsApi {
  name: string;
  title: string;
  /** Where the API's paths start on this server (`/v2` for Kontent). */
  basePath: string;
}

/** A small workflow mark: three connected steps. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f4e79"/><path d="M9 16h14" stroke="#9fd3ff" stroke-width="2.5"/><circle cx="8" cy="16" r="4" fill="#fff"/><rect x="12.5" y="11.5" width="9" height="9" rx="2" fill="#9fd3ff"/><circle cx="24" cy="16" r="4" fill="#fff" stroke="#9fd3ff" stroke-width="2"/></svg>`;

/** Security values for try-it: the credentials this server accepts (the ones its start-up banner prints). */
function authentication(api: string, config: WfkitConfig): object | undefined {
  switch (api) {
    case 'idm': {
      const user = config.idm.users[0];
      if (!user) return undefined;
      return {
        preferredSecurityScheme: [['idmUsername', 'idmPassword']],
        securitySchemes: { idmUsername: { value: user.username }, idmPassword: { value: user.password } },
      };
    }
    case 'kontent':
      return {
        preferredSecurityScheme: 'bearerAuth',
        securitySchemes: { bearerAuth: { token: config.kontent.apiKey } },
      };
    case 'iga':
      return { preferredSecurityScheme: 'bearerAuth', securitySchemes: { bearerAuth: { token: config.iga.token } } };
    case 'flow':
      return { preferredSecurityScheme: 'api_key', securitySchemes: { api_key: { value: config.flow.apiKey } } };
    default:
      return undefined;
  }
}

/** The /docs page: one Scalar reference per spec (a document switcher at the top), served from this origin. */
export function renderDocs(origin: string, apis: readonly DocsApi[], config: WfkitConfig, scriptPath: string): string {
  const configs = apis.map((api, i) => ({
    title: api.title,
    slug: api.name,
    url: `/docs/${api.name}.json`,
    default: i === 0,
    // Try-it goes to this server, whatever host the spec names for the real service.
    servers: [{ url: `${origin}${api.basePath}`, description: 'this wfkit server' }],
    authentication: authentication(api.name, config),
    // Offline and private: no web fonts, no telemetry, no hosted AI agent or proxy.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    hideClientButton: false,
    showDeveloperTools: 'never',
    documentDownloadType: 'json',
  }));
  // `</` cannot appear inside a script element's JSON.
  const json = JSON.stringify(configs).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wfkit API reference</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}</style>
</head>
<body>
<div id="app"></div>
<script src="${esc(scriptPath)}"></script>
<script>Scalar.createApiReference('#app', ${json});</script>
</body>
</html>
`;
}

/** What `GET /` links to. */
export interface HomeLinks {
  docs: string;
  health: string;
  specs: Record<string, string>;
  console?: string | undefined;
}

export function homeLinks(apis: readonly DocsApi[], consolePath: string | undefined): HomeLinks {
  return {
    docs: '/docs',
    health: '/health',
    specs: Object.fromEntries(apis.map((a) => [a.name, `/docs/${a.name}.json`])),
    ...(consolePath ? { console: consolePath } : {}),
  };
}

/** `GET /` for a browser: the same links as the JSON answer, readable. */
export function renderHome(links: HomeLinks, apis: readonly DocsApi[]): string {
  const li = (href: string, text: string, note = '') =>
    `<li><a href="${esc(href)}">${esc(text)}</a>${note ? ` — ${esc(note)}` : ''}</li>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wfkit reference server</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}a{color:#1f4e79}code{background:#f2f4f7;padding:0 .25rem;border-radius:3px}</style>
</head>
<body>
<h1>wfkit reference server</h1>
<ul>
${li(links.docs, 'API reference', 'the four APIs, with examples and try-it against this server')}
${links.console ? li(links.console, 'Console', 'processes, tasks and workflows in a browser') : ''}
${li(links.health, 'Health', '200 once the store is open')}
</ul>
<h2>OpenAPI documents</h2>
<ul>
${apis.map((a) => li(links.specs[a.name] as string, `${a.name}.json`, `${a.title}, paths under ${a.basePath || '/'}`)).join('\n')}
</ul>
</body>
</html>
`;
}
