import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopBreaker } from '../../server/src/tftp/loop-breaker.ts';
import { renderChainScript } from '../../server/src/tftp/chain-script.ts';

test('a repeat within the window breaks once; the record is consumed', () => {
  const b = new LoopBreaker(1000);
  assert.equal(b.shouldBreak('10.0.0.5', 0), false);
  b.served('10.0.0.5', 100);
  assert.equal(b.shouldBreak('10.0.0.6', 200), false, 'another client');
  assert.equal(b.shouldBreak('10.0.0.5', 1100), true, 'at the edge of the window');
  assert.equal(b.shouldBreak('10.0.0.5', 1150), false, 'consumed');
});

test('past the window the binary is served again', () => {
  const b = new LoopBreaker(1000);
  b.served('10.0.0.5', 0);
  assert.equal(b.shouldBreak('10.0.0.5', 1001), false);
});

test('a window of 0 never breaks later requests', () => {
  const b = new LoopBreaker(0);
  b.served('10.0.0.5', 0);
  assert.equal(b.shouldBreak('10.0.0.5', 1), false);
});

test('a negative window is refused at construction', () => {
  assert.throws(() => new LoopBreaker(-1), RangeError);
});

test('chain script: iPXE script chaining to the URL, retrying', () => {
  const s = renderChainScript('http://10.0.0.1:8080/boot.ipxe');
  assert.match(s, /^#!ipxe\n/);
  assert.match(s, /^chain http:\/\/10\.0\.0\.1:8080\/boot\.ipxe \|\| goto failed$/m);
  assert.match(s, /^goto retry$/m);
});

test('chain script: refuses URLs iPXE would split or expand', () => {
  for (const bad of ['/boot.ipxe', 'http://a b/boot.ipxe', 'http://x/${net0/mac}', 'tftp://x/boot.ipxe']) {
    assert.throws(() => renderChainScript(bad), /not an absolute http/);
  }
});
