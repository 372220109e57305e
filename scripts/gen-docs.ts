// Regenerates docs/actions.md from the catalog.
import { writeFileSync } from 'node:fs';

import { renderActionsDoc } from '../src/catalog/docs.js';

writeFileSync(new URL('../docs/actions.md', import.meta.url), renderActionsDoc());
process.stdout.write('docs/actions.md written\n');
