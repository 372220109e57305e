// Masking for audit records and field removal for responses. Both return deep copies: callers keep
// the original for the upstream call, and a shared object mutated here would leak or lose data.
import type { ActionSpec } from '../catalog/index.js';

/** How to mask a personal value. */
export type PersonalKind = 'email' | 'phone' | 'linkedin' | 'name' | 'url' | 'generic';

const MASK = '***';

/** A local part or slug that is already masked, or too short to mask without echoing itself. */
const alreadyMasked = (s: string) => s === '' || /^[^*]?\*+$/.test(s);

/** The first character, when it is not itself a mask character. */
const initial = (s: string) => {
  const first = [...s][0] ?? '';
  return first === '*' ? '' : first;
};

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return MASK;
  const local = value.slice(0, at);
  // Masked output must never contain the original: "j***@x.com" masked again would be itself.
  if (alreadyMasked(local)) return MASK;
  return `${initial(local)}${MASK}${value.slice(at)}`;
}

function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  // Fewer than 7 digits is not a phone number we can shorten without showing most of it.
  return digits.length < 7 ? MASK : `***-***-${digits.slice(-4)}`;
}

function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.origin}/${MASK}` : MASK;
  } catch {
    return MASK;
  }
}

function maskLinkedIn(value: string): string {
  const m = /linkedin\.com\/([a-z]+)\/([^/?#\s]+)/i.exec(value);
  if (!m) return maskUrl(value);
  const [, section, slug = ''] = m;
  const shown = alreadyMasked(slug) ? '' : initial(slug);
  return `linkedin.com/${section}/${shown}${MASK}`;
}

function maskName(value: string): string {
  const words = value.split(/\s+/).filter(Boolean);
  return words.length ? words.map((w) => `${initial(w)}${MASK}`).join(' ') : MASK;
}

/**
 * Masks one personal value: email `j***@example.com`, phone `***-***-4567`, LinkedIn
 * `linkedin.com/in/j***`, name `J*** D***`, URL `https://host/***`, anything else `***`.
 */
export function maskPersonal(value: string, kind: PersonalKind): string {
  if (value === '') return '';
  switch (kind) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'linkedin':
      return maskLinkedIn(value);
    case 'name':
      return maskName(value);
    case 'url':
      return maskUrl(value);
    case 'generic':
      return MASK;
  }
}

const nameFields = new Set(['first_name', 'last_name', 'name']);

/** How a personal field is masked, from its name (`email`, `mobile_phone`, `linkedin_url` …). */
export function personalKindOf(field: string): PersonalKind {
  const f = field.toLowerCase();
  if (f.includes('hashed')) return 'generic';
  if (f.includes('email')) return 'email';
  if (f.includes('phone')) return 'phone';
  if (f.includes('linkedin')) return 'linkedin';
  if (nameFields.has(f)) return 'name';
  if (f.endsWith('url') || f === 'website') return 'url';
  return 'generic';
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

// Object.fromEntries defines own properties, so a JSON key such as "__proto__" stays data and
// cannot reach the prototype of the copy.
const mapEntries = (
  obj: Record<string, unknown>,
  fn: (key: string, value: unknown) => [string, unknown] | null,
) =>
  Object.fromEntries(
    Object.entries(obj)
      .map(([k, v]) => fn(k, v))
      .filter((e): e is [string, unknown] => e !== null),
  );

/**
 * The deepest level these walks descend to. Parameters are refused past 32 levels before they get
 * here; Apollo's answers are not, so a subtree past this depth is cut (masked or removed, never
 * copied through unexamined) instead of exhausting the stack.
 */
export const maxWalkDepth = 128;

/** What stands in for a subtree cut at {@link maxWalkDepth}. */
const tooDeep = '[nested too deep]';

/** Masks everything under a personal field, whatever its shape: no leaf escapes. */
function maskValue(value: unknown, kind: PersonalKind, depth: number): unknown {
  if (typeof value === 'string') return maskPersonal(value, kind);
  if (typeof value === 'number' || typeof value === 'bigint')
    return maskPersonal(String(value), kind);
  if (depth >= maxWalkDepth && typeof value === 'object' && value !== null) return tooDeep;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, kind, depth + 1));
  if (isPlainObject(value)) return mapEntries(value, (k, v) => [k, maskValue(v, kind, depth + 1)]);
  return value;
}

function copyDeep(
  value: unknown,
  visit: (key: string, value: unknown, depth: number) => unknown,
  depth: number,
): unknown {
  if (depth >= maxWalkDepth && typeof value === 'object' && value !== null) return tooDeep;
  if (Array.isArray(value)) return value.map((v) => copyDeep(v, visit, depth + 1));
  if (isPlainObject(value)) return mapEntries(value, (k, v) => [k, visit(k, v, depth + 1)]);
  return value;
}

/** Options for `maskInput`. */
export interface MaskOptions {
  /** Keep personal values readable (an admin's explicit choice); the result is still a copy. */
  readonly keepPersonal?: boolean;
}

/**
 * A deep copy of an action's input for the audit record, with every field the catalog marks
 * personal masked wherever it appears (also inside `details[]`). Search filters stay readable.
 */
export function maskInput(
  action: Pick<ActionSpec, 'personalFields'>,
  input: Record<string, unknown>,
  options: MaskOptions = {},
): Record<string, unknown> {
  const personal = new Set(action.personalFields);
  const visit = (key: string, value: unknown, depth: number): unknown =>
    !options.keepPersonal && personal.has(key)
      ? maskValue(value, personalKindOf(key), depth)
      : copyDeep(value, visit, depth);
  return copyDeep(input, visit, 0) as Record<string, unknown>;
}

/** A response with fields removed, and how many were removed. */
export interface Redacted<T> {
  readonly value: T;
  readonly removed: number;
}

/** A field name an agent's answers can be redacted of (`email`, `phone_numbers`, `organization.phone`). */
export const redactableField = /^[A-Za-z0-9_.]{1,100}$/;
/** At most this many redacted fields per agent. */
export const maxRedactedFields = 100;

/**
 * A deep copy of a response with every listed field name removed at any depth (per-agent
 * redaction such as `email`, `phone_numbers`); the input is not changed.
 */
export function redactFields<T>(body: T, fields: readonly string[]): Redacted<T> {
  const drop = new Set(fields);
  let removed = 0;
  const walk = (value: unknown, depth: number): unknown => {
    // Past the depth bound a listed field could hide anywhere below: the subtree goes.
    if (depth >= maxWalkDepth && typeof value === 'object' && value !== null) {
      removed += 1;
      return tooDeep;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    if (!isPlainObject(value)) return value;
    return mapEntries(value, (k, v) => {
      if (drop.has(k)) {
        removed += 1;
        return null;
      }
      return [k, walk(v, depth + 1)];
    });
  };
  const value = walk(body, 0) as T;
  return { value, removed };
}
