// Gatehouse as its own process for benchmarks, run from the build (dist/) as `gatehouse start`
// runs it (see serveFromEnv).
import { serveFromEnv } from '../../dist/app/start.js';

await serveFromEnv();
