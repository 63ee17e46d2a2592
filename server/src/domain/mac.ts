// MAC addresses as machines are keyed (DESIGN §2): one canonical spelling, `aa:bb:cc:dd:ee:ff`.

const SEPARATED = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const BARE = /^[0-9a-f]{12}$/i;

/**
 * The canonical form of a MAC, or null when `input` is not one. Accepts `aa:bb:cc:dd:ee:ff`, `aa-bb-cc-dd-ee-ff`
 * (iPXE's `:hexhyp`, Windows) and `aabbccddeeff`, any case, surrounding whitespace ignored; separators may not be
 * mixed. Only the syntax is checked: multicast, locally administered and all-zero addresses are accepted, because
 * this answers "which record is this?", not "is this a sane NIC?".
 */
export function normalizeMac(input: string): string | null {
  const s = input.trim();
  const separated = SEPARATED.exec(s);
  const hex = separated ? [1, 3, 4, 5, 6, 7].map((i) => separated[i]).join('') : BARE.test(s) ? s : null;
  return hex === null ? null : hex.toLowerCase().match(/../g)!.join(':');
}
