// The UI's only backend: the admin REST API. One client per session token; every failure becomes an ApiError that
// carries the server's stable code and, for validation failures, the JSON path of the offending field.
import type {
  Artifact, ArtifactKind, BootEvent, BootSession, Info, Machine, MachineSpec, MachineState, Preview, Profile,
  ProfileSpec, VolumeSummary, WhoAmI,
} from './types.ts';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns any error body (or none) into an ApiError; the server's shape is `{error, message, field?}`. */
export function toApiError(status: number, bodyText: string): ApiError {
  try {
    const body = JSON.parse(bodyText) as { error?: string; message?: string; field?: string };
    return new ApiError(status, body.error ?? 'http_' + status, body.message ?? `HTTP ${status}`, body.field);
  } catch {
    return new ApiError(status, status === 0 ? 'network' : 'http_' + status, bodyText || `HTTP ${status}`);
  }
}

/** POST /preview takes an unsaved profile (name optional) and the machine's overrides (null = none). */
export type PreviewProfile = Omit<ProfileSpec, 'name'> & { name?: string };
export interface PreviewMachine {
  mac?: string;
  name?: string | null;
  kernelArgs?: string | null;
  b2c?: MachineSpec['b2c'] | null;
  variables?: Record<string, string> | null;
}

/** PUT /machines/:mac: given fields replace, null clears, absent ones are kept. */
export interface MachineBody extends PreviewMachine {
  profile?: string | null;
  state?: MachineState;
}

export interface UploadProgress { loaded: number; total: number }

const enc = encodeURIComponent;

export function createApi(token: string) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(API_BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, 'network', `Cannot reach the server: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw toApiError(res.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** XMLHttpRequest, not fetch: fetch cannot report upload progress. */
  function upload(path: string, body: Blob, contentType: string, onProgress: (p: UploadProgress) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', API_BASE + path);
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('content-type', contentType);
      xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : body.size });
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress({ loaded: body.size, total: body.size });
          resolve();
        } else reject(toApiError(xhr.status, xhr.responseText));
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', 'Upload failed: the connection was lost'));
      xhr.send(body);
    });
  }

  async function download(path: string): Promise<Blob> {
    const res = await fetch(API_BASE + path, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw toApiError(res.status, await res.text());
    return res.blob();
  }

  return {
    whoami: () => request<WhoAmI>('GET', '/whoami'),
    info: () => request<Info>('GET', '/info'),

    artifacts: () => request<Artifact[]>('GET', '/artifacts'),
    uploadArtifact: (name: string, kind: ArtifactKind, arch: string, file: Blob, onProgress: (p: UploadProgress) => void) =>
      upload(`/artifacts/${enc(name)}?kind=${enc(kind)}${arch ? `&arch=${enc(arch)}` : ''}`, file, 'application/octet-stream', onProgress),
    deleteArtifact: (name: string) => request<void>('DELETE', `/artifacts/${enc(name)}`),

    profiles: () => request<Profile[]>('GET', '/profiles'),
    profile: (name: string) => request<Profile>('GET', `/profiles/${enc(name)}`),
    createProfile: (p: ProfileSpec) => request<Profile>('POST', '/profiles', p),
    updateProfile: (name: string, p: ProfileSpec) => request<Profile>('PUT', `/profiles/${enc(name)}`, p),
    deleteProfile: (name: string) => request<void>('DELETE', `/profiles/${enc(name)}`),
    preview: (profile: PreviewProfile, machine?: PreviewMachine) =>
      request<Preview>('POST', '/preview', machine ? { profile, machine } : { profile }),

    machines: (state?: string) => request<Machine[]>('GET', `/machines${state ? `?state=${enc(state)}` : ''}`),
    machine: (mac: string) => request<Machine>('GET', `/machines/${enc(mac)}`),
    putMachine: (mac: string, body: MachineBody) =>
      request<Machine>('PUT', `/machines/${enc(mac)}`, body),
    deleteMachine: (mac: string) => request<void>('DELETE', `/machines/${enc(mac)}`),
    sessions: (mac: string) => request<BootSession[]>('GET', `/machines/${enc(mac)}/sessions`),
    events: (mac: string, limit = 200) => request<BootEvent[]>('GET', `/machines/${enc(mac)}/events?limit=${limit}`),

    volumes: (mac: string) => request<VolumeSummary[]>('GET', `/machines/${enc(mac)}/volumes`),
    downloadVolume: (mac: string, name: string) => download(`/machines/${enc(mac)}/volumes/${enc(name)}/archive`),
    uploadVolume: (mac: string, name: string, tar: Blob, onProgress: (p: UploadProgress) => void) =>
      upload(`/machines/${enc(mac)}/volumes/${enc(name)}/archive`, tar, 'application/x-tar', onProgress),
    wipeVolume: (mac: string, name: string) => request<void>('DELETE', `/machines/${enc(mac)}/volumes/${enc(name)}`),
  };
}

export type Api = ReturnType<typeof createApi>;
