// bench:pacing: five agents oversubscribe one free-plan endpoint (people search: 50/min, 200/h,
// 600/day) for three minute-windows against the sandbox, in simulated time, in one run:
//
// 1. Baseline: a naive client (no pacer) whose every caller retries a 429 with exponential backoff
//    (1 s, 2 s, 4 s … capped at 60 s, equal jitter from a seeded generator; it ignores
//    retry-after, as such clients do).
// 2. Gatehouse: the same callers through the pacer (createPacer with the free plan's windows) and
//    createPacedUpstream, which is where Gatehouse's requests leave for Apollo.
//
// Each side gets a fresh sandbox and its own manual time (createManualTime), shared by the pacer,
// the sandbox's rate windows, the simulated network delay and the backoff sleeps. Every wait is a
// manual timer, so nothing happens between two timers: the driver lets promise callbacks settle,
// then jumps the clock to the next timer. Three simulated minutes take well under a second.
//
// The figures: calls Apollo answered 200 within the span (delivered) against what its windows
// allow in the span, the 429s Apollo answered (counted where requests reach the sandbox, so the
// paced upstream's one retry after a 429 cannot hide any), Gatehouse's own refusals, and how
// evenly the agents shared what was delivered.
import { createManualTime, type ManualTime } from '../test/helpers/manual-time.js';
import {
  getAction,
  planLimits,
  windowMs,
  windows,
  type Window,
  type WindowLimits,
} from '../src/catalog/index.js';
import { createPacedUpstream, createPacer } from '../src/pacing/index.js';
import { createSandbox } from '../src/sandbox/index.js';
import { seededRandom } from '../src/sandbox/random.js';
import { createApolloClient } from '../src/upstream/index.js';
import type { Credential } from '../src/upstream/types.js';

import { round } from './lib.js';

const agents = Number(process.env.BENCH_AGENTS ?? 5);
const loopsPerAgent = Number(process.env.BENCH_LOOPS ?? 4);
const windowCount = Number(process.env.BENCH_WINDOWS ?? 3);
/** Simulated one-way network delay, uniform in [min, max] ms (within the pacer's 1 s margin). */
const latencyMinMs = Number(process.env.BENCH_LATENCY_MIN_MS ?? 20);
const latencyMaxMs = Number(process.env.BENCH_LATENCY_MAX_MS ?? 250);
const seed = Number(process.env.BENCH_SEED ?? 1);

const plan = 'free';
const action = getAction('people.search');
const limits: WindowLimits = planLimits[plan][action.rateClass];
/** The window whose instances the span counts. */
const spanWindow: Window = 'minute';
const spanMs = windowCount * windowMs[spanWindow];
/** Simulated time starts on a working Monday morning (the sandbox's world dates its records). */
const startAt = Date.UTC(2026, 0, 5, 9, 0, 0);
const backoffBaseMs = 1_000;
const backoffCapMs = 60_000;
const titles = ['VP Sales', 'CTO', 'Head of Marketing', 'Director', 'Engineer'];

interface Outcome {
  /** 200s Apollo answered to requests that reached it within the span. */
  delivered: number;
  /** Requests that reached Apollo within the span. */
  sent: number;
  /** 429s Apollo answered. */
  upstream429s: number;
  /** Gatehouse refused (GATEHOUSE_PACED) within the span. */
  refusals: number;
  /** Calls still waiting in the pacer when the span ended (refused as it closed). */
  waitingAtEnd: number;
  /** Any other failure (none expected). */
  otherErrors: number;
  perAgent: number[];
  /** Driver steps (clock jumps) and the real time the simulation took. */
  steps: number;
  realMs: number;
}

/** Allowed in the span: each window admits ⌈span ÷ length⌉ instances at most, all evaluated together. */
function allowedInSpan(): { allowed: number; terms: string[] } {
  let allowed = Infinity;
  const terms: string[] = [];
  for (const w of windows) {
    const limit = limits[w];
    if (limit === null) continue;
    const instances = Math.ceil(spanMs / windowMs[w]);
    allowed = Math.min(allowed, instances * limit);
    terms.push(`⌈${spanMs / 1000} s ÷ ${windowMs[w] / 1000} s⌉ × ${limit} = ${instances * limit}`);
  }
  return { allowed, terms };
}

/** A sandbox on manual time, called in process through a simulated network. */
function simulatedApollo(time: ManualTime, label: string, outcome: Outcome, poke: () => void) {
  const sandbox = createSandbox({
    plan,
    seed,
    clock: { now: () => time.now() },
    sleep: (ms) => new Promise<void>((resolve) => time.setTimer(resolve, ms)),
  });
  const delay = seededRandom(seed, `${label}:latency`);
  const oneWay = () =>
    new Promise<void>((resolve) =>
      time.setTimer(resolve, latencyMinMs + delay() * (latencyMaxMs - latencyMinMs)),
    );
  const end = startAt + spanMs;
  const viaNetwork = async (input: string | URL | Request, init?: RequestInit) => {
    poke();
    await oneWay();
    // A request arriving after the span is not Apollo's to count: it never reaches the sandbox.
    if (time.now() >= end) throw new Error('the benchmark span is over');
    outcome.sent += 1;
    const response = await sandbox.app.fetch(new Request(input, init));
    if (response.status === 429) outcome.upstream429s += 1;
    poke();
    await oneWay();
    return response;
  };
  const client = createApolloClient({
    baseUrl: 'http://apollo.sandbox',
    fetch: viaNetwork as typeof fetch,
    now: () => time.now(),
  });
  const credential: Credential = { kind: 'apikey', key: sandbox.keys.master[0]! };
  return { sandbox, client, credential };
}

/**
 * Runs callers on manual time until the span ends, then `onEnd`, then until every caller has
 * returned. Between clock jumps, promise callbacks run until nothing changes for two macrotasks.
 */
async function drive(
  time: ManualTime,
  callers: Promise<void>[],
  activity: () => number,
  onEnd: () => void,
): Promise<number> {
  let finished = 0;
  for (const c of callers) void c.then(() => void (finished += 1));
  const end = startAt + spanMs;
  let ended = false;
  let steps = 0;
  const fingerprint = () => `${activity()}:${time.pendingTimers()}:${time.nextTimerAt()}`;
  for (;;) {
    let quiet = 0;
    let last = fingerprint();
    while (quiet < 2) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const now = fingerprint();
      if (now === last) quiet += 1;
      else [quiet, last] = [0, now];
    }
    if (finished === callers.length) break;
    if (!ended && time.now() >= end) {
      ended = true;
      onEnd();
      continue;
    }
    const next = time.nextTimerAt();
    if (next === null && ended) throw new Error('stalled: callers wait but no timer is pending');
    time.advanceTo(ended ? next! : Math.min(next ?? end, end));
    steps += 1;
  }
  await Promise.all(callers);
  return steps;
}

function emptyOutcome(): Outcome {
  return {
    delivered: 0,
    sent: 0,
    upstream429s: 0,
    refusals: 0,
    waitingAtEnd: 0,
    otherErrors: 0,
    perAgent: Array.from({ length: agents }, () => 0),
    steps: 0,
    realMs: 0,
  };
}

/** The baseline: no pacer; each caller retries a 429 after 1 s, 2 s, 4 s … (≤ 60 s, jittered). */
async function runNaive(): Promise<Outcome> {
  const started = performance.now();
  const outcome = emptyOutcome();
  const time = createManualTime(startAt);
  let activity = 0;
  const poke = () => void (activity += 1);
  const { sandbox, client, credential } = simulatedApollo(time, 'naive', outcome, poke);
  const end = startAt + spanMs;
  const sleep = (ms: number) => new Promise<void>((resolve) => time.setTimer(resolve, ms));
  const jitter = seededRandom(seed, 'naive:jitter');

  const caller = async (agent: number) => {
    const input = { person_titles: [titles[agent % titles.length]!], per_page: 10 };
    let attempt = 0;
    while (time.now() < end) {
      poke();
      const answer = await client.call(action, input, credential);
      poke();
      if (answer.ok) {
        outcome.delivered += 1;
        outcome.perAgent[agent]! += 1;
        attempt = 0;
      } else if (answer.error.kind === 'rate_limited') {
        const base = Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
        attempt += 1;
        await sleep(base / 2 + (jitter() * base) / 2);
      } else if (time.now() < end) {
        outcome.otherErrors += 1;
      }
    }
  };
  const callers = Array.from({ length: agents * loopsPerAgent }, (_, i) => caller(i % agents));
  outcome.steps = await drive(
    time,
    callers,
    () => activity,
    () => undefined,
  );
  sandbox.close();
  outcome.realMs = performance.now() - started;
  return outcome;
}

/** Gatehouse: the same callers through the pacer and the paced upstream. */
async function runGatehouse(): Promise<Outcome> {
  const started = performance.now();
  const outcome = emptyOutcome();
  const time = createManualTime(startAt);
  let activity = 0;
  const poke = () => void (activity += 1);
  const { sandbox, client, credential } = simulatedApollo(time, 'gatehouse', outcome, poke);
  const end = startAt + spanMs;
  const sleep = (ms: number) => new Promise<void>((resolve) => time.setTimer(resolve, ms));
  const pacer = createPacer({
    clock: time,
    setTimer: time.setTimer,
    defaults: (bucket) => planLimits[plan][getAction(bucket)?.rateClass ?? 'default'],
  });
  // As create-app wires it: the client's fourth argument is not the call context.
  const paced = createPacedUpstream({ call: (a, input, c) => client.call(a, input, c) }, pacer, {
    maxWaitMs: windowMs.day,
  });
  let closed = false;

  const caller = async (agent: number) => {
    const input = { person_titles: [titles[agent % titles.length]!], per_page: 10 };
    const agentId = `agent-${agent + 1}`;
    while (time.now() < end && !closed) {
      poke();
      const answer = await paced.call(action, input, credential, { agentId });
      poke();
      if (answer.ok) {
        outcome.delivered += 1;
        outcome.perAgent[agent]! += 1;
      } else if (answer.error.kind === 'not_sent') {
        if (closed) {
          outcome.waitingAtEnd += 1;
        } else {
          // An agent told to come back later does so.
          outcome.refusals += 1;
          await sleep(answer.error.retryAfterSeconds * 1000);
        }
      } else if (answer.error.kind !== 'rate_limited' && time.now() < end) {
        // Apollo's own 429s are counted where requests reach it.
        outcome.otherErrors += 1;
      }
    }
  };
  const callers = Array.from({ length: agents * loopsPerAgent }, (_, i) => caller(i % agents));
  outcome.steps = await drive(
    time,
    callers,
    () => activity,
    () => {
      closed = true;
      pacer.close();
    },
  );
  pacer.close();
  sandbox.close();
  outcome.realMs = performance.now() - started;
  return outcome;
}

/** Each agent's part of what was delivered: the smallest and largest. */
function shares(o: Outcome): { min: number; max: number } {
  if (o.delivered === 0) return { min: 0, max: 0 };
  return {
    min: Math.min(...o.perAgent) / o.delivered,
    max: Math.max(...o.perAgent) / o.delivered,
  };
}

async function main() {
  const { allowed, terms } = allowedInSpan();
  const naive = await runNaive();
  process.stderr.write(`  naive      done (${Math.round(naive.realMs)} ms real time)\n`);
  const gate = await runGatehouse();
  process.stderr.write(`  gatehouse  done (${Math.round(gate.realMs)} ms real time)\n`);

  const naiveShare = shares(naive);
  const gateShare = shares(gate);
  const ratio = gate.delivered / allowed;
  const met = ratio >= 0.97 && gate.upstream429s === 0;
  const figures = {
    bench: 'pacing',
    plan,
    endpoint: action.id,
    agents,
    calls_in_flight: agents * loopsPerAgent,
    windows: windowCount,
    window: spanWindow,
    span_s: spanMs / 1000,
    latency_ms: [latencyMinMs, latencyMaxMs],
    allowed,
    gatehouse_delivered: gate.delivered,
    gatehouse_delivered_ratio: round(ratio, 3),
    gatehouse_upstream_429s: gate.upstream429s,
    gatehouse_sent: gate.sent,
    gatehouse_refusals: gate.refusals,
    gatehouse_waiting_at_end: gate.waitingAtEnd,
    gatehouse_min_share: round(gateShare.min, 3),
    gatehouse_max_share: round(gateShare.max, 3),
    naive_delivered: naive.delivered,
    naive_delivered_ratio: round(naive.delivered / allowed, 3),
    naive_upstream_429s: naive.upstream429s,
    naive_sent: naive.sent,
    naive_min_share: round(naiveShare.min, 3),
    naive_max_share: round(naiveShare.max, 3),
    other_errors: naive.otherErrors + gate.otherErrors,
    target_met: met,
  };

  const col = (v: unknown) => String(v).padEnd(22);
  const perAgent = (o: Outcome) => o.perAgent.join(' / ');
  const share = (s: { min: number; max: number }) =>
    `${round(s.min * 100, 1)} – ${round(s.max * 100, 1)} %`;
  const limitText = windows.map((w) => `${limits[w] ?? '∞'}/${w}`).join(', ');
  const lines = [
    '',
    `Pacing: ${agents} agents × ${loopsPerAgent} calls in flight on ${action.id}, ${plan} plan (${limitText}), ` +
      `${windowCount} ${spanWindow} windows = ${spanMs / 1000} s simulated, one-way delay ${latencyMinMs}–${latencyMaxMs} ms`,
    `allowed = min(${terms.join('; ')}) = ${allowed}`,
    '',
    `                              naive + backoff (baseline)  through Gatehouse`,
    `delivered (Apollo 200s)       ${col(naive.delivered)}      ${gate.delivered}`,
    `delivered ÷ allowed           ${col(figures.naive_delivered_ratio)}      ${figures.gatehouse_delivered_ratio}   (target ≥ 0.97)`,
    `upstream 429s                 ${col(naive.upstream429s)}      ${gate.upstream429s}   (target 0)`,
    `requests reaching Apollo      ${col(naive.sent)}      ${gate.sent}`,
    `Gatehouse refusals            ${col('–')}      ${gate.refusals}   (+${gate.waitingAtEnd} still queued at the end)`,
    `per agent delivered           ${col(perAgent(naive))}      ${perAgent(gate)}`,
    `agent share, min – max        ${col(share(naiveShare))}      ${share(gateShare)}   (even: ${round(100 / agents, 1)} %)`,
    `other errors                  ${col(naive.otherErrors)}      ${gate.otherErrors}`,
    `clock jumps / real ms         ${col(`${naive.steps} / ${Math.round(naive.realMs)}`)}      ${gate.steps} / ${Math.round(gate.realMs)}`,
    '',
    `Gatehouse: ratio ${figures.gatehouse_delivered_ratio} ≥ 0.97 and ${gate.upstream429s} upstream 429s ${met ? '(target met)' : '(TARGET MISSED)'}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

await main();
