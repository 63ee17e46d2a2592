// Who is calling the gateway: one boot session of one machine, with the secret derived for its access key.

export interface S3Principal {
  accessKey: string;
  secretKey: string;
  sessionId: string;
  /** Normalised `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  /** `aabbccddeeff`: the principal may only touch `machines/<macHex>/`. */
  macHex: string;
  /** Non-null when requests must come from this address (the IP that fetched the boot script). */
  clientIp: string | null;
}

/**
 * `active`: credentials valid now. `ended` / `expired`: the key named a real session that no longer grants
 * access (refused, but the denial is attributed to that machine). `unknown`: not one of our keys.
 */
export type PrincipalLookupResult =
  | { status: 'active'; principal: S3Principal }
  | { status: 'ended' | 'expired'; sessionId: string; mac: string }
  | { status: 'unknown' };

export interface PrincipalDirectory {
  lookup(accessKey: string): Promise<PrincipalLookupResult>;
}
