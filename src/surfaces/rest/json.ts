// The client reads Apollo's int64 request_id as a string so no digit is lost; the drop-in proxy
// writes it back as the bare integer literal Apollo sends, so unmodified clients see Apollo's shape.
//
// A replacer function would slow every JSON.stringify several times over; the rewrite works on the
// text instead. Inside a JSON string every quote is escaped, so an unescaped `"request_id":"` that
// follows `{` or `,` can only be an object key, never text inside a value.
const quotedRequestId = /([{,])"request_id":"(-?\d+)"/g;

/** JSON.stringify that writes integer-string `request_id` values as bare numbers. */
export function writeApolloJson(body: unknown): string {
  const text = JSON.stringify(body);
  return text.includes('"request_id":"')
    ? text.replace(quotedRequestId, '$1"request_id":$2')
    : text;
}
