// The signed-in session: token (kept in sessionStorage so it dies with the tab), who it belongs to, and the
// server's feature flags. A viewer token gets the same pages without any write control.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './lib/api';
import type { Info, WhoAmI } from './lib/types';

const TOKEN_KEY = 'b2c-netboot.token';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

export interface Session {
  api: Api;
  who: WhoAmI;
  info: Info;
  canWrite: boolean;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in session');
  return s;
}
