// What the anomaly alerts need from the shared database: the alerts themselves, the addresses each
// agent's token was used from, the evaluator's lease and watermark, and its view of the audit
// table. Types only: src/store/alert-repository.ts implements them, src/alerts uses them.

/** An alert as stored. */
export interface StoredAlert {
  /** `alr_` + ULID: time-ordered. */
  readonly id: string;
  /** One of the alert kinds (src/alerts/detector.ts); the store keeps it as text. */
  readonly kind: string;
  /** When it happened (the time of the audit record or use that triggered it). */
  readonly time: number;
  readonly agentId: string;
  readonly agentName: string;
  /** What happened, in one sentence an admin can act on. */
  readonly message: string;
  /** The audit records that triggered it. */
  readonly auditIds: readonly string[];
  /** When it was stored. */
  readonly createdAt: number;
  readonly acknowledgedAt: number | null;
  /** Who acknowledged it: `admin:console`, `admin:api` or `cli:<os user>`. */
  readonly acknowledgedBy: string | null;
  readonly acknowledgedNote: string | null;
}

/** An alert to store. */
export interface NewAlert {
  readonly kind: string;
  readonly time: number;
  readonly agentId: string;
  readonly agentName: string;
  readonly message: string;
  readonly auditIds: readonly string[];
  /** Alerts with the same key are one alert: a second one is not stored. */
  readonly key: string;
}

/** What the evaluator reads of an audit record. */
export interface AuditEvent {
  readonly id: string;
  readonly time: number;
  readonly agentId: string;
  readonly agentName: string | null;
  readonly action: string;
  readonly decision: string;
  readonly rule: string | null;
  readonly credits: number;
  readonly completedAt: number | null;
}

/** The evaluator's lease as granted. */
export interface AlertLease {
  /** Changes whenever the lease changes hands. */
  readonly epoch: number;
  /** Audit records up to this time have been evaluated; null before the first evaluation. */
  readonly watermark: number | null;
}

/** The outcome of acknowledging an alert. */
export type AcknowledgeOutcome =
  | { readonly status: 'acknowledged'; readonly alert: StoredAlert }
  /** Someone acknowledged it before: the alert as they left it, unchanged. */
  | { readonly status: 'already_acknowledged'; readonly alert: StoredAlert }
  | { readonly status: 'not_found' };

/** The alert store, shared by every replica. Throws on a store failure or invalid input. */
export interface AlertStore {
  /** Stores an alert unless one with the same key exists; the stored alert, or null if one did. */
  raise(alert: NewAlert): Promise<StoredAlert | null>;
  get(id: string): Promise<StoredAlert | undefined>;
  /** Newest first; unacknowledged only unless `includeAcknowledged`; `limit` 1–1000. */
  list(options: {
    readonly includeAcknowledged?: boolean;
    readonly since?: number;
    readonly limit: number;
  }): Promise<StoredAlert[]>;
  /** Marks an alert acknowledged, once: a second time leaves the first acknowledgement as it was. */
  acknowledge(
    id: string,
    ack: { readonly by: string; readonly at: number; readonly note?: string | null },
  ): Promise<AcknowledgeOutcome>;
  /** Deletes alerts whose `time` is before `olderThan`; returns how many. */
  prune(options: { readonly olderThan: number }): Promise<number>;
  /**
   * Records that an agent's token was used from `ip`. `added` is true for the one caller (of any
   * replica) that recorded it first; `others` then counts the agent's other known addresses.
   */
  noteIp(agentId: string, ip: string, at: number): Promise<{ added: boolean; others: number }>;
  /**
   * Takes or renews the lease `name` for `holder` until `now + ttlMs`: granted when nobody holds
   * it, `holder` already does, or the holder's lease has run out; null otherwise.
   */
  acquireLease(
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
  ): Promise<AlertLease | null>;
  /**
   * Stores the watermark and renews the lease, only while `holder` still holds it under `epoch`;
   * false when the lease was lost (then nothing is written).
   */
  advance(lease: {
    readonly name: string;
    readonly holder: string;
    readonly epoch: number;
    readonly watermark: number;
    readonly now: number;
    readonly ttlMs: number;
  }): Promise<boolean>;
  /** Gives the lease up (on shutdown), so another replica takes over at once. */
  releaseLease(name: string, holder: string): Promise<void>;
  /**
   * The agents' audit records opened (`time`) in `(after, upTo]`, and those completed
   * (`completedAt`) in it that spent credits (the only completions a rule reads), each list in
   * time order. Records without an agent, and admins' own changes, are left out.
   */
  auditEvents(range: {
    readonly after: number;
    readonly upTo: number;
  }): Promise<{ opened: AuditEvent[]; completed: AuditEvent[] }>;
  /**
   * At least how many events `auditEvents` returns for `range`, from the time indexes alone
   * (every record opened or completed in it): what the evaluator sizes its reads by.
   */
  auditEventCount(range: { readonly after: number; readonly upTo: number }): Promise<number>;
}
