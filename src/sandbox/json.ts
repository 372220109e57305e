// Apollo sends `request_id` as a signed 64-bit integer literal, often negative and beyond 2^53
//, which JSON.stringify cannot write from a JS number. Bodies hold such values as
// RawNumber and `toJson` writes their digits verbatim, so the sandbox reproduces the quirk exactly.

/** A JSON number written digit for digit. */
export class RawNumber {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new Error(`not an integer literal: ${digits}`);
  }
  toJSON(): string {
    return `\u0000raw:${this.digits}\u0000`;
  }
}

/** JSON.stringify that writes RawNumber values as bare integer literals. */
export function toJson(body: unknown): string {
  return JSON.stringify(body).replace(/"\\u0000raw:(-?\d+)\\u0000"/g, '$1');
}
