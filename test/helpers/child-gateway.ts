// Runs Gatehouse from source as its own process for crash tests (see serveFromEnv).
import { serveFromEnv } from '../../src/app/start.js';

await serveFromEnv();
