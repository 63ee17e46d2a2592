// Breaks the PXE → iPXE chainload loop on the server side. The usual breaker is the DHCP server answering
// user-class "iPXE" with the HTTP URL (README recipes); when the site's DHCP can't do that, the iPXE we just sent
// asks for the same binary again. A client IP that completed a chainload-binary transfer less than `windowMs` ago
// therefore gets a script chaining to HTTP instead (iPXE recognises a script by its `#!ipxe` content, whatever the
// file is called). Pure: the caller passes the clock.

export class LoopBreaker {
  readonly #windowMs: number;
  /** client IP → when its last chainload binary transfer completed */
  readonly #served = new Map<string, number>();

  constructor(windowMs: number) {
    if (!(windowMs >= 0)) throw new RangeError(`loop-break window must be >= 0 ms, got ${windowMs}`);
    this.#windowMs = windowMs;
  }

  /**
   * Record a *completed* transfer of a chainload binary. Only completed ones count: UEFI firmware first asks with
   * `tsize` and aborts after the OACK (a size probe), then fetches the binary for real.
   */
  served(ip: string, now: number): void {
    this.#prune(now);
    this.#served.set(ip, now);
  }

  /**
   * Whether this request for a chainload binary should get the chain script. Consumes the record, so a machine
   * that reboots right after being sent to HTTP gets the binary again.
   */
  shouldBreak(ip: string, now: number): boolean {
    this.#prune(now);
    return this.#served.delete(ip);
  }

  #prune(now: number): void {
    for (const [ip, at] of this.#served) if (now - at > this.#windowMs) this.#served.delete(ip);
  }
}
