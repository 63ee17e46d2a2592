import { useState } from 'preact/hooks';
import { Alert } from '../components/widgets';

export function Login({ onLogin }: { onLogin: (token: string) => Promise<void> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <main class="login" id="main">
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try { await onLogin(token.trim()); } catch (err) { setError((err as Error).message); } finally { setBusy(false); }
      }}>
        <h1>b2c-netboot</h1>
        <p class="muted">Sign in with an API token (<code>b2c-netboot token create</code>). It is kept for this tab only.</p>
        <label for="token">API token</label>
        <input id="token" type="password" autocomplete="current-password" required value={token}
          aria-invalid={!!error} aria-describedby={error ? 'login-error' : undefined}
          onInput={(e) => setToken(e.currentTarget.value)} />
        {error && <div id="login-error"><Alert>{error}</Alert></div>}
        <button type="submit" class="primary" disabled={busy || !token.trim()}>Sign in</button>
      </form>
    </main>
  );
}
