// The client reads Apollo's int64 request_id as a string so no digit is lost; the drop-in proxy
// writes it back as the bare integer literal Apollo sends, so unmodified clients see Apollo's shape.
const marker = '\u0000int64:';

/** JSON.stringify that writes integer-string `request_id` values as bare numbers. */
export function writeApolloJson(body: unknown): string {
  const text = JSON.stringify(body, (key, value: unknown) =>
    key === 'request_id' && typeof value === 'string' && /^-?\d+$/.test(value)
      ? `${marker}${value}`
      : value,
  );
  return text.replace(/"\\u0000int64:(-?\d+)"/g, '$1');
}
