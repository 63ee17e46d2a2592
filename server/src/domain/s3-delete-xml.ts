// The body of `POST /bucket?delete` (DeleteObjects): https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
// The gateway parses the keys to authorise each, then forwards a body it serialises itself from what it parsed,
// so the backend can never read a key the policy did not see (comments, CDATA, entities, duplicate elements).
import { xmlEscape } from './s3-errors.ts';

export interface DeleteRequest {
  quiet: boolean;
  objects: Array<{ key: string; versionId?: string }>;
}

/** S3 accepts at most 1000 keys per request. */
export const MAX_DELETE_KEYS = 1000;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function xmlUnescape(s: string): string | null {
  if (/&(?!(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);)/.test(s)) return null;
  let bad = false;
  const out = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    if (e in ENTITIES) return ENTITIES[e];
    bad = true;
    return '';
  });
  return bad ? null : out;
}

export function parseDeleteXml(xml: string): DeleteRequest | null {
  const body = xml.replace(/^\uFEFF?\s*(<\?xml[^?]*\?>)?\s*/, '');
  // No comments, CDATA, DOCTYPE or processing instructions: they are how parsers come to disagree.
  if (/<[!?]/.test(body)) return null;
  const m = /^<Delete(?:\s+xmlns="[^"]*")?\s*>([\s\S]*)<\/Delete>\s*$/.exec(body);
  if (!m) return null;
  let rest = m[1];
  let quiet = false;
  const q = /^\s*<Quiet>(true|false)<\/Quiet>/.exec(rest);
  if (q) {
    quiet = q[1] === 'true';
    rest = rest.slice(q[0].length);
  }
  const objects: DeleteRequest['objects'] = [];
  const objectRe = /^\s*<Object>\s*<Key>([^<]*)<\/Key>\s*(?:<VersionId>([^<]*)<\/VersionId>\s*)?<\/Object>/;
  for (;;) {
    const o = objectRe.exec(rest);
    if (!o) break;
    const key = xmlUnescape(o[1]);
    const versionId = o[2] === undefined ? undefined : xmlUnescape(o[2]);
    if (key === null || key === '' || versionId === null) return null;
    objects.push(versionId === undefined ? { key } : { key, versionId });
    rest = rest.slice(o[0].length);
  }
  const tail = /^\s*(<Quiet>(true|false)<\/Quiet>)?\s*$/.exec(rest);
  if (!tail) return null;
  if (tail[2]) quiet = tail[2] === 'true';
  return objects.length > 0 && objects.length <= MAX_DELETE_KEYS ? { quiet, objects } : null;
}

export function deleteXml(req: DeleteRequest): string {
  const objects = req.objects
    .map((o) => `<Object><Key>${xmlEscape(o.key)}</Key>${o.versionId ? `<VersionId>${xmlEscape(o.versionId)}</VersionId>` : ''}</Object>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>${req.quiet}</Quiet>${objects}</Delete>`;
}
