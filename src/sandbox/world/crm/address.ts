// Apollo parses a typed address ("Atlanta, United States") into city, state, country and time
// zone against its own location data. The sandbox matches the parts against its known places;
// anything unrecognised is kept as written, in the most plausible slot.

import { normalizeLocation, places } from '../vocab/locations.js';

/** The parsed parts of a raw address. */
export interface ParsedAddress {
  city: string | null;
  state: string | null;
  country: string | null;
  timeZone: string | null;
}

const byCity = new Map(places.map((p) => [p.city.toLowerCase(), p]));
const byState = new Map(places.filter((p) => p.state).map((p) => [p.state!.toLowerCase(), p]));
const countries = new Map(places.map((p) => [p.country.toLowerCase(), p.country]));

function country(part: string): string | null {
  return countries.get(normalizeLocation(part)) ?? null;
}

/** Splits "City, State, Country" (any prefix of it may be missing) into its parts. */
export function parseAddress(raw: string): ParsedAddress {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const out: ParsedAddress = { city: null, state: null, country: null, timeZone: null };
  if (parts.length === 0) return out;
  const last = parts[parts.length - 1]!;
  const lastCountry = country(last);
  const rest = lastCountry ? parts.slice(0, -1) : parts;
  out.country = lastCountry;
  if (rest.length >= 2) {
    out.city = rest[0]!;
    out.state = rest[rest.length - 1]!;
  } else if (rest.length === 1) {
    const only = rest[0]!;
    const state = byState.get(only.toLowerCase());
    if (state && !byCity.has(only.toLowerCase())) out.state = state.state;
    else out.city = only;
  }
  const place = out.city ? byCity.get(out.city.toLowerCase()) : undefined;
  if (place) {
    out.city = place.city;
    out.state ??= place.state;
    out.country ??= place.country;
    out.timeZone = place.timeZone;
  } else if (out.state) {
    const s = byState.get(out.state.toLowerCase());
    if (s) {
      out.state = s.state;
      out.country ??= s.country;
    }
  }
  return out;
}
