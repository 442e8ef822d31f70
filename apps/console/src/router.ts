/**
 * A small history router under `/console`: every object has a deep link (`/console/idm/instances/<id>`), links are
 * real `<a href>` (keyboard and middle-click work), and navigation is a pushState.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export function href(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

/** The route path below the base (`/idm/instances/x`), from a location pathname. */
export function routePath(pathname: string): string {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return rest === '' ? '/' : rest;
}

export interface Match {
  params: Record<string, string>;
}

/** Matches `pattern` (`/idm/instances/:id`) against `path`; parameters are URI-decoded. */
export function match(pattern: string, path: string): Match | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return undefined;
  }
  return { params };
}

export function navigate(path: string): void {
  history.pushState(null, '', href(path));
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): string {
  const [path, setPath] = useState(() => routePath(location.pathname));
  useEffect(() => {
    const on = () => setPath(routePath(location.pathname));
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

/** Makes same-origin `<a href="/console/...">` clicks client-side navigations. */
export function interceptLinks(root: HTMLElement): () => void {
  const on = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    e.preventDefault();
    history.pushState(null, '', url.pathname + url.search);
    dispatchEvent(new PopStateEvent('popstate'));
  };
  root.addEventListener('click', on);
  return () => root.removeEventListener('click', on);
}
