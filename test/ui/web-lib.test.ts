// Table tests for the UI's pure logic (no browser): routes, field-error placement, the profile and machine
// bodies sent to the API, list moves, the timeline grouping and display formatting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorAt, fieldId, normaliseFieldPath, withinPrefix } from '../../web/src/lib/field-errors.ts';
import { formatBytes } from '../../web/src/lib/format.ts';
import { toMachineBody, toOverrides, type MachineDraft } from '../../web/src/lib/machine-draft.ts';
import { filterMachines } from '../../web/src/lib/machine-filter.ts';
import { move, toDraft, toProfileBody } from '../../web/src/lib/profile-draft.ts';
import { parseRoute } from '../../web/src/lib/routes.ts';
import { buildTimeline, describeDetail } from '../../web/src/lib/timeline.ts';
import type { BootEvent, BootSession, Machine } from '../../web/src/lib/types.ts';

test('parseRoute maps paths below /ui/ to pages', () => {
  const cases: [string, unknown][] = [
    ['/', { page: 'machines' }],
    ['/machines', { page: 'machines' }],
    ['/machines/52:54:00:12:34:56', { page: 'machine', mac: '52:54:00:12:34:56' }],
    ['/machines/52%3A54%3A00%3A12%3A34%3A56/volumes', { page: 'volumes', mac: '52:54:00:12:34:56' }],
    ['/profiles/', { page: 'profiles' }],
    ['/profiles/new', { page: 'profile', name: null }],
    ['/profiles/ci-x86', { page: 'profile', name: 'ci-x86' }],
    ['/artifacts', { page: 'artifacts' }],
    ['/artifacts/x', { page: 'not-found', path: '/artifacts/x' }],
    ['/nope', { page: 'not-found', path: '/nope' }],
  ];
  for (const [path, want] of cases) assert.deepEqual(parseRoute(path), want, path);
});

test('field errors: JSON pointers normalise, prefixes strip, deeper paths land on their control', () => {
  assert.equal(normaliseFieldPath('/containers/1'), 'containers[1]');
  assert.equal(normaliseFieldPath('/volumes/0/name'), 'volumes[0].name');
  assert.equal(normaliseFieldPath('b2c.hostname'), 'b2c.hostname');
  assert.deepEqual(withinPrefix({ field: 'profile.containers[2]', message: 'm' }, 'profile'), { field: 'containers[2]', message: 'm' });
  assert.equal(withinPrefix({ field: 'machine.name', message: 'm' }, 'profile'), null);
  const err = { field: 'volumes[0].pullOn[1]', message: 'bad condition' };
  assert.equal(errorAt(err, 'volumes[0].pullOn'), 'bad condition');
  assert.equal(errorAt(err, 'volumes[0].name'), undefined);
  assert.equal(errorAt({ field: 'containers[10]', message: 'x' }, 'containers[1]'), undefined, 'containers[1] is not a prefix of [10]');
  assert.equal(fieldId('volumes[0].name'), 'f-volumes-0-name');
});

test('toProfileBody drops blanks but keeps stage positions', () => {
  const body = toProfileBody({
    name: ' p ', kernel: 'k', initramfs: 'i', description: '  ', containers: ['a', '', 'b', ' ', ''], postContainers: [''],
    b2c: { hostname: '', cacheDevice: ' auto ', iface: ['eth0', ' '], extra: { '': 'x', foo: 'bar' } }, kernelArgs: '',
    volumes: [{ name: ' cache ', pullOn: [], pushOn: ['pipeline_end'], overwrite: false, exclude: [' *.tmp', ''] }],
  });
  assert.deepEqual(body, {
    name: 'p', kernel: 'k', initramfs: 'i', containers: ['a', '', 'b'],
    volumes: [{ name: 'cache', pushOn: ['pipeline_end'], exclude: ['*.tmp'] }],
    b2c: { cacheDevice: 'auto', iface: ['eth0'], extra: { foo: 'bar' } },
  });
  assert.deepEqual(toDraft({ name: 'p', kernel: 'k', initramfs: 'i', containers: [], createdAt: 'x', updatedAt: 'y' } as never),
    { name: 'p', kernel: 'k', initramfs: 'i', containers: [''] });
});

test('move swaps neighbours and ignores moves off either end', () => {
  assert.deepEqual(move(['a', 'b', 'c'], 1, -1), ['b', 'a', 'c']);
  assert.deepEqual(move(['a', 'b', 'c'], 1, 1), ['a', 'c', 'b']);
  assert.deepEqual(move(['a', 'b'], 0, -1), ['a', 'b']);
  assert.deepEqual(move(['a', 'b'], 1, 1), ['a', 'b']);
});

test('machine bodies clear emptied overrides with null', () => {
  const draft: MachineDraft = { name: ' ', profile: '', state: 'ready', kernelArgs: '', b2c: { hostname: '' }, variables: { '': 'x' } };
  assert.deepEqual(toMachineBody(draft), { profile: null, state: 'ready', name: null, kernelArgs: null, b2c: null, variables: null });
  assert.deepEqual(toOverrides({ ...draft, name: 'n1', kernelArgs: ' quiet ', variables: { SITE: 'lab' } }),
    { name: 'n1', kernelArgs: 'quiet', b2c: null, variables: { SITE: 'lab' } });
});

test('filterMachines searches name, MAC, profile and IP, and filters by state', () => {
  const m = (mac: string, name: string | null, state: Machine['state'], profile: string | null) =>
    ({ mac, name, state, profile, lastSeenIp: '10.0.0.5' }) as Machine;
  const list = [m('52:54:00:00:00:01', 'alpha', 'ready', 'ci'), m('52:54:00:00:00:02', null, 'discovered', null)];
  assert.deepEqual(filterMachines(list, 'ALP', '').map((x) => x.mac), ['52:54:00:00:00:01']);
  assert.deepEqual(filterMachines(list, '00:02', '').map((x) => x.mac), ['52:54:00:00:00:02']);
  assert.deepEqual(filterMachines(list, '10.0.0', 'discovered').map((x) => x.mac), ['52:54:00:00:00:02']);
  assert.deepEqual(filterMachines(list, 'nomatch', ''), []);
});

test('buildTimeline groups events under their sessions, newest first, and keeps the rest apart', () => {
  const s = (id: string, at: string) => ({ id, createdAt: at, clientIp: null, kernelCmdline: '', endedAt: null, extraArgsReads: 0 }) as BootSession;
  const e = (id: number, at: string, type: BootEvent['type'], sessionId: string | null) => ({ id, at, type, sessionId, ip: null, detail: null }) as BootEvent;
  const { groups, loose } = buildTimeline([s('b', '2024-01-02'), s('a', '2024-01-01')], [
    e(1, '2024-01-01T00:00:01', 'script', 'a'), e(2, '2024-01-01T00:00:02', 'kernel', 'a'),
    e(3, '2024-01-02T00:00:01', 'script', 'b'), e(4, '2023-12-31', 'discovered', null), e(5, '2024-01-03', 'error', 'gone'),
  ]);
  assert.deepEqual(groups.map((g) => [g.session.id, g.events.map((x) => x.id)]), [['b', [3]], ['a', [2, 1]]]);
  assert.deepEqual(loose.map((x) => x.id), [5, 4]);
  assert.equal(describeDetail({ name: 'vmlinuz', bytes: 10, range: null }), 'name=vmlinuz bytes=10');
  assert.equal(describeDetail('plain'), 'plain');
});

test('formatBytes', () => {
  for (const [n, want] of [[0, '0 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [6 * 1024 * 1024, '6.0 MiB'], [25 * 1024 ** 3, '25 GiB']] as const) {
    assert.equal(formatBytes(n), want);
  }
});
