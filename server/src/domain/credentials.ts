// Per-boot S3 credentials (DESIGN §6). Nothing secret is stored: the access key names the boot session and the
// secret is recomputed from the server's master key whenever it is needed, so ending or expiring the session
// revokes the pair without any key table.
import { createHmac } from 'node:crypto';

/** Access keys look like AWS ones (`NB` + 18 upper-case hex characters), safe in `b2c.minio` fields and URLs. */
const ACCESS_KEY_PREFIX = 'NB';
const ACCESS_KEY_RE = /^NB[0-9A-F]{18}$/;

/** Boot session ids are 18 lowercase hex characters (72 random bits): see store/sessions.ts. */
export function accessKeyForSession(sessionId: string): string {
  return ACCESS_KEY_PREFIX + sessionId.toUpperCase();
}

/** The session id an access key names, or null when the key is not one of ours. */
export function sessionIdFromAccessKey(accessKey: string): string | null {
  return ACCESS_KEY_RE.test(accessKey) ? accessKey.slice(ACCESS_KEY_PREFIX.length).toLowerCase() : null;
}

/** secret = HMAC-SHA256(master key, access key), 40 hex characters: no `,`, space, quote or glob character. */
export function deriveSecretKey(masterKey: Buffer, accessKey: string): string {
  return createHmac('sha256', masterKey).update(`b2c-netboot s3 v1\0${accessKey}`).digest('hex').slice(0, 40);
}

/** `aa:bb:cc:dd:ee:ff` → `aabbccddeeff`: the per-machine prefix under `machines/` in the bucket. */
export function macHex(mac: string): string {
  return mac.replace(/:/g, '');
}
