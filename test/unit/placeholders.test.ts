import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillPlaceholders, placeholderVariables, type PlaceholderContext } from '../../server/src/domain/placeholders.ts';

const ctx: PlaceholderContext = { machine: { name: 'node-1', mac: '52:54:00:12:34:56' }, variables: { SITE: 'lab', EMPTY: '', toString: 'own' } };

const cases: { name: string; input: string; ctx?: PlaceholderContext; want: string | { field: string; message: RegExp } }[] = [
  { name: 'no placeholder', input: 'docker://alpine echo hi', want: 'docker://alpine echo hi' },
  { name: 'machine fields', input: '{{machine.name}}/{{machine.mac}}/{{machine.machex}}', want: 'node-1/52:54:00:12:34:56/525400123456' },
  { name: 'spaces inside braces', input: '{{ var.SITE }}-{{machine.name }}', want: 'lab-node-1' },
  { name: 'empty variable', input: 'a{{var.EMPTY}}b', want: 'ab' },
  { name: 'variable named like an Object method is still the machine\'s own', input: '{{var.toString}}', want: 'own' },
  { name: 'lone braces are literal', input: "awk '{print $1}' {{ x", want: "awk '{print $1}' {{ x" },
  { name: 'shell ${} is not a placeholder', input: 'echo ${HOME}', want: 'echo ${HOME}' },
  { name: 'replacement is not re-expanded', input: '{{var.SITE}}', ctx: { ...ctx, variables: { SITE: '{{machine.name}}' } }, want: '{{machine.name}}' },
  { name: 'missing variable', input: 'x {{var.NOPE}}', want: { field: 'containers[0]', message: /\{\{var\.NOPE\}\}: the machine has no variable "NOPE"/ } },
  { name: 'inherited property is not a variable', input: '{{var.constructor}}', want: { field: 'containers[0]', message: /no variable "constructor"/ } },
  { name: 'machine without a name', input: '{{machine.name}}', ctx: { ...ctx, machine: { name: null, mac: ctx.machine.mac } }, want: { field: 'containers[0]', message: /no name/ } },
  { name: 'unknown placeholder', input: '{{machine.ip}}', want: { field: 'containers[0]', message: /unknown placeholder/ } },
  { name: 'bad variable name', input: '{{var.a-b}}', want: { field: 'containers[0]', message: /unknown placeholder/ } },
  { name: 'empty braces', input: '{{}}', want: { field: 'containers[0]', message: /unknown placeholder/ } },
];

for (const c of cases) {
  test(`fillPlaceholders: ${c.name}`, () => {
    const r = fillPlaceholders(c.input, c.ctx ?? ctx, 'containers[0]');
    if (typeof c.want === 'string') {
      assert.deepEqual(r, { ok: true, value: c.want });
    } else {
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.field, c.want.field);
      assert.match(r.error.message, c.want.message);
    }
  });
}

test('placeholderVariables lists variable names only', () => {
  assert.deepEqual(placeholderVariables('{{var.A}} {{machine.name}} {{ var.B_2 }} {{var.A}} {{var.bad-name}}'), ['A', 'B_2', 'A']);
});
