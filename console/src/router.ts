// Routes live in the URL: /staff/cases/:id opens a case, /staff/queue?urgency=EMERGENCY keeps
// its filters through a reload. The server answers every /staff/* page path with the same shell
// (src/staff/index.ts); this module turns the location into a route and back.
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/staff';

export interface Location {
  path: string;
  query: URLSearchParams;
}

export interface Match {
  params: Record<string, string>;
}

/** `/staff/cases/:id` → a matcher for that pattern. */
export function compile(pattern: string): (path: string) => Match | null {
  const names: string[] = [];
  const source = pattern.replace(/:[a-zA-Z]+/g, (name) => {
    names.push(name.slice(1));
    return '([^/]+)';
  });
  const regex = new RegExp(`^${source}/?$`);
  return (path) => {
    const found = regex.exec(path);
    if (!found) return null;
    return { params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)])) };
  };
}

const listeners = new Set<() => void>();

function current(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** Goes to a console URL without reloading; `replace` for changes that are not a step back. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

/** The same path with some query values changed (empty or null values are removed). */
export function withQuery(path: string, query: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '') next.delete(key);
    else next.set(key, value);
  }
  const search = next.toString();
  return search ? `${path}?${search}` : path;
}

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** The current location; re-renders on every navigation. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return loc;
}

/** A link that navigates inside the console (a normal link for a new tab or a middle click). */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? null;
  const href = anchor?.getAttribute('href');
  if (!href || !href.startsWith(`${BASE}/`) || anchor?.target) return;
  event.preventDefault();
  navigate(href);
}
