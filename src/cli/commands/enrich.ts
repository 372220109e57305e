// `gatehouse enrich` lives in ../enrich/ (command, columns, identity, outcome, progress file,
// status line, report, input, output, runner); the CLI dispatcher loads it through this entry.
export { enrichCommand } from '../enrich/command.js';
