// Apollo's request_id is a signed int64 that JS numbers cannot hold: read it as a
// string before JSON.parse rounds it. Inside a JSON string every quote is escaped, so the pattern
// can only meet an object key, never text inside a value.
const requestIdNumber = /("request_id"\s*:\s*)(-?\d+)/g;

/** JSON.parse that keeps every `request_id` digit for digit, as a decimal string. */
export function parseApolloJson(text: string): unknown {
  if (!text.includes('"request_id"')) return JSON.parse(text);
  return JSON.parse(text.replace(requestIdNumber, '$1"$2"'));
}
