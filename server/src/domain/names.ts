// Names that end up in URLs, iPXE scripts and kernel lines (`initrd=NAME`): one conservative alphabet, so a name
// never needs escaping anywhere it travels and can never name a path outside its store.
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
const NAME_RE = new RegExp(NAME_PATTERN);

export function isValidName(name: string): boolean {
  return NAME_RE.test(name) && !name.includes('..');
}
