// Per-machine placeholders in profile strings (DESIGN §2): `{{machine.name}}`, `{{machine.mac}}`,
// `{{machine.machex}}` (the MAC without colons, as in the volume prefix) and `{{var.NAME}}` (the machine's
// variables). Spaces inside the braces are allowed (`{{ var.SITE }}`); anything else between `{{` and `}}` is an
// error rather than left as-is, so a typo can't silently reach a container's command line.
import { macHex } from './credentials.ts';
import type { Result } from './types.ts';

export interface PlaceholderContext {
  machine: { name: string | null; mac: string };
  variables: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const VARIABLE = /^var\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** `value` with every placeholder filled, or an error naming `field` and the placeholder that can't be. */
export function fillPlaceholders(value: string, ctx: PlaceholderContext, field: string): Result<{ value: string }> {
  const problems: string[] = [];
  const filled = value.replace(PLACEHOLDER, (whole, expr: string) => {
    const replacement = lookup(expr, ctx);
    if (typeof replacement === 'string') return replacement;
    problems.push(`${whole}: ${replacement.problem}`);
    return whole;
  });
  return problems.length === 0 ? { ok: true, value: filled } : { ok: false, error: { field, message: problems[0] } };
}

/** Names of the `{{var.NAME}}` placeholders in `value`, in order of appearance (for worst-case checks). */
export function placeholderVariables(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)].flatMap((m) => VARIABLE.exec(m[1])?.[1] ?? []);
}

function lookup(expr: string, ctx: PlaceholderContext): string | { problem: string } {
  switch (expr) {
    case 'machine.mac':
      return ctx.machine.mac;
    case 'machine.machex':
      return macHex(ctx.machine.mac);
    case 'machine.name':
      return ctx.machine.name ?? { problem: 'the machine has no name' };
  }
  const variable = VARIABLE.exec(expr)?.[1];
  if (variable === undefined) {
    return { problem: 'unknown placeholder (use machine.name, machine.mac, machine.machex or var.NAME)' };
  }
  return Object.hasOwn(ctx.variables, variable)
    ? ctx.variables[variable]
    : { problem: `the machine has no variable "${variable}"` };
}
