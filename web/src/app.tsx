// The shell: sign-in gate, navigation, and the page for the current route.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, createApi } from './lib/api';
import { href, useRoute } from './lib/router';
import type { Route } from './lib/routes';
import { Login } from './pages/login';
import { MachinesPage } from './pages/machines';
import { MachinePage } from './pages/machine';
import { VolumesPage } from './pages/volumes';
import { ProfilesPage } from './pages/profiles';
import { ProfileEditorPage } from './pages/profile-editor';
import { ArtifactsPage } from './pages/artifacts';
import { type Session, SessionContext, tokenStore } from './session';

/** Checks a token against the server and builds the session (throws ApiError 401 for a bad token). */
async function openSession(token: string, logout: () => void): Promise<Session> {
  const api = createApi(token);
  const [who, info] = await Promise.all([api.whoami(), api.info()]);
  return { api, who, info, canWrite: who.role === 'admin', logout };
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => tokenStore.get() !== null);
  const logout = () => { tokenStore.clear(); setSession(null); };

  useEffect(() => {
    const token = tokenStore.get();
    if (!token) return;
    openSession(token, logout).then(setSession, () => tokenStore.clear()).finally(() => setRestoring(false));
  }, []);

  if (restoring) return <p class="muted center" role="status">Signing in…</p>;
  if (!session) {
    return (
      <Login onLogin={async (token) => {
        try {
          const s = await openSession(token, logout);
          tokenStore.set(token);
          setSession(s);
        } catch (err) {
          throw err instanceof ApiError && err.status === 401 ? new Error('That token was not accepted.') : err;
        }
      }} />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  );
}

const NAV: { label: string; to: string; match: Route['page'][] }[] = [
  { label: 'Machines', to: href('machines'), match: ['machines', 'machine', 'volumes'] },
  { label: 'Profiles', to: href('profiles'), match: ['profiles', 'profile'] },
  { label: 'Artifacts', to: href('artifacts'), match: ['artifacts'] },
];

function Shell({ session }: { session: Session }) {
  const route = useRoute();
  useEffect(() => {
    // Move focus to the new page's heading so screen readers announce the navigation.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }, [route]);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href={href('machines')}>b2c-netboot</a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <a href={n.to} aria-current={n.match.includes(route.page) ? 'page' : undefined}>{n.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={`Signed in as ${session.who.name}`}>{session.who.name}</span>
          <span class={`badge role-${session.who.role}`}>{session.who.role}</span>
          <button type="button" class="link" onClick={session.logout}>Sign out</button>
        </div>
      </header>
      <main id="main">
        <Page route={route} />
      </main>
      <footer class="muted small">b2c-netboot {session.info.version}</footer>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'machines': return <MachinesPage />;
    case 'machine': return <MachinePage mac={route.mac} />;
    case 'volumes': return <VolumesPage mac={route.mac} />;
    case 'profiles': return <ProfilesPage />;
    case 'profile': return <ProfileEditorPage key={route.name ?? 'new'} name={route.name} />;
    case 'artifacts': return <ArtifactsPage />;
    case 'not-found':
      return <><h1 tabIndex={-1}>Not found</h1><p>No page at <code>{route.path}</code>. <a href={href('machines')}>Machines</a></p></>;
  }
}
