// Profiles: the list, with what each one boots.
import { Alert, Loading } from '../components/widgets';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href } from '../lib/router';
import { useSession } from '../session';

export function ProfilesPage() {
  const { api, canWrite } = useSession();
  const profiles = useAsync(() => api.profiles(), []);
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Profiles</h1>
        {canWrite && <a class="button primary" href={href('profiles', 'new')}>New profile</a>}
      </div>
      {profiles.error && <Alert>{profiles.error.message}</Alert>}
      {!profiles.data ? <Loading what="profiles" /> : profiles.data.length === 0 ? (
        <p class="muted">No profiles yet. A profile names a kernel, an initramfs and the containers b2c runs.</p>
      ) : (
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Arch</th>
                <th scope="col">Stages</th><th scope="col">Kernel</th><th scope="col">Updated</th></tr>
            </thead>
            <tbody>
              {profiles.data.map((p) => (
                <tr key={p.name}>
                  <td data-label="Name"><a href={href('profiles', p.name)}>{p.name}</a></td>
                  <td data-label="Description">{p.description ?? <span class="muted">—</span>}</td>
                  <td data-label="Arch">{p.arch ?? 'x86_64'}</td>
                  <td data-label="Stages">{p.containers.length}</td>
                  <td data-label="Kernel" class="mono ellipsis" title={p.kernel}>{p.kernel}</td>
                  <td data-label="Updated">{formatTime(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
