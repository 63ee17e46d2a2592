import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeMac } from '../../server/src/domain/mac.ts';

const cases: { name: string; input: string; want: string | null }[] = [
  { name: 'canonical', input: 'aa:bb:cc:dd:ee:ff', want: 'aa:bb:cc:dd:ee:ff' },
  { name: 'upper case colons', input: 'AA:BB:CC:DD:EE:0F', want: 'aa:bb:cc:dd:ee:0f' },
  { name: 'hyphens (iPXE :hexhyp)', input: '52-54-00-12-34-56', want: '52:54:00:12:34:56' },
  { name: 'bare hex', input: '525400ABCDEF', want: '52:54:00:ab:cd:ef' },
  { name: 'surrounding whitespace', input: ' \t52:54:00:12:34:56\n', want: '52:54:00:12:34:56' },
  { name: 'URL-decoded iPXE value', input: decodeURIComponent('52%3A54%3A00%3A12%3A34%3A56'), want: '52:54:00:12:34:56' },
  { name: 'all zero is syntax-valid', input: '00:00:00:00:00:00', want: '00:00:00:00:00:00' },
  { name: 'broadcast is syntax-valid', input: 'ff:ff:ff:ff:ff:ff', want: 'ff:ff:ff:ff:ff:ff' },
  { name: 'mixed separators', input: 'aa:bb-cc:dd:ee:ff', want: null },
  { name: 'too short', input: 'aa:bb:cc:dd:ee', want: null },
  { name: 'too long', input: 'aa:bb:cc:dd:ee:ff:00', want: null },
  { name: 'bare hex too long', input: 'aabbccddeeff00', want: null },
  { name: 'non-hex digit', input: 'aa:bb:cc:dd:ee:fg', want: null },
  { name: 'single-digit groups', input: 'a:b:c:d:e:f', want: null },
  { name: 'dots (Cisco style) not accepted', input: 'aabb.ccdd.eeff', want: null },
  { name: 'inner whitespace', input: 'aa:bb:cc :dd:ee:ff', want: null },
  { name: 'empty', input: '', want: null },
  { name: 'unexpanded iPXE setting', input: '${net0/mac}', want: null },
  { name: 'injection attempt', input: 'aa:bb:cc:dd:ee:ff;reboot', want: null },
];

for (const c of cases) {
  test(`normalizeMac: ${c.name}`, () => {
    assert.equal(normalizeMac(c.input), c.want);
  });
}
