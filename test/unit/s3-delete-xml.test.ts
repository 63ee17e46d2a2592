// DeleteObjects bodies: parsed strictly, re-serialised for the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteXml, parseDeleteXml } from '../../server/src/domain/s3-delete-xml.ts';

test('parses what clients send and round-trips through deleteXml', () => {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b &lt;c&gt;</Key></Object>' +
    '<Object><Key>x&#47;y</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>';
  const parsed = parseDeleteXml(xml);
  assert.deepEqual(parsed, { quiet: true, objects: [{ key: 'a&b <c>' }, { key: 'x/y', versionId: 'v1' }] });
  assert.deepEqual(parseDeleteXml(deleteXml(parsed!)), parsed);
  assert.deepEqual(parseDeleteXml('<Delete><Quiet>false</Quiet>\n  <Object>\n <Key>k</Key>\n</Object></Delete>'), { quiet: false, objects: [{ key: 'k' }] });
});

test('refuses anything a different parser could read differently', () => {
  for (const bad of [
    '<Delete><Object><Key>a</Key></Object><!-- x --></Delete>',
    '<Delete><Object><Key><![CDATA[a]]></Key></Object></Delete>',
    '<!DOCTYPE x [<!ENTITY e "machines/other/x">]><Delete><Object><Key>&e;</Key></Object></Delete>',
    '<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>',
    '<Delete><Object><Key>a&b</Key></Object></Delete>',
    '<Delete><Object><Key></Key></Object></Delete>',
    '<Delete></Delete>',
    '<Delete><Object><Key>a</Key></Object></Delete><Delete/>',
    '<Delete><Object><Key>a</Key></Object><Extra/></Delete>',
    `<Delete>${'<Object><Key>a</Key></Object>'.repeat(1001)}</Delete>`,
  ]) assert.equal(parseDeleteXml(bad), null, bad.slice(0, 80));
});
