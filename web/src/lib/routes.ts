// Pure: the UI's pages and how a path below /ui/ maps to one (no DOM, unit-tested).

export type Route =
  | { page: 'machines' }
  | { page: 'machine'; mac: string }
  | { page: 'volumes'; mac: string }
  | { page: 'profiles' }
  | { page: 'profile'; name: string | null }
  | { page: 'artifacts' }
  | { page: 'not-found'; path: string };

/** Pure: maps a path below the base to a route. */
export function parseRoute(path: string): Route {
  const parts = path.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, sub] = parts;
  if (parts.length === 0 || (head === 'machines' && parts.length === 1)) return { page: 'machines' };
  if (head === 'machines' && id && parts.length === 2) return { page: 'machine', mac: id };
  if (head === 'machines' && id && sub === 'volumes' && parts.length === 3) return { page: 'volumes', mac: id };
  if (head === 'profiles' && parts.length === 1) return { page: 'profiles' };
  if (head === 'profiles' && id === 'new' && parts.length === 2) return { page: 'profile', name: null };
  if (head === 'profiles' && id && parts.length === 2) return { page: 'profile', name: id };
  if (head === 'artifacts' && parts.length === 1) return { page: 'artifacts' };
  return { page: 'not-found', path };
}
