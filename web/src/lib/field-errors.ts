// Pure: where an API validation error belongs in a form. The server names the field as a JSON path
// (`containers[1]`, `volumes[0].name`, `b2c.hostname`); schema errors may arrive as a JSON pointer
// (`/containers/1`). Both normalise to the dotted form used as the form's field keys.

export interface FieldError { field: string; message: string }

export function normaliseFieldPath(field: string): string {
  if (!field.startsWith('/')) return field;
  return field
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path ? `${path}.${seg}` : seg), '');
}

/** The error for a field submitted inside a wrapper (POST /preview's `profile` / `machine`), relative to it. */
export function withinPrefix(err: FieldError | null, prefix: string): FieldError | null {
  if (!err) return null;
  const field = normaliseFieldPath(err.field);
  if (field === prefix) return { field: '', message: err.message };
  if (field.startsWith(prefix + '.')) return { field: field.slice(prefix.length + 1), message: err.message };
  if (field.startsWith(prefix + '[')) return { field: field.slice(prefix.length), message: err.message };
  return null;
}

/** The message to show next to the control for `path`: exact match, or a deeper path inside it. */
export function errorAt(err: FieldError | null, path: string): string | undefined {
  if (!err) return undefined;
  const field = normaliseFieldPath(err.field);
  if (field === path || field.startsWith(path + '.') || field.startsWith(path + '[')) return err.message;
  return undefined;
}

/** A stable DOM id for a field path, so the error summary can link to the control. */
export function fieldId(path: string): string {
  return 'f-' + path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
}
