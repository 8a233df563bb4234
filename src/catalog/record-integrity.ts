/** Run by `npm run build`: records the hashes of the bundled exercises (see integrity.ts). */
import { loadCatalog } from './catalog.js';
import { recordIntegrity } from './integrity.js';

const catalog = loadCatalog();
recordIntegrity(catalog.exercises);
process.stdout.write(`recorded the content of ${catalog.exercises.length} bundled exercises in dist/integrity.json\n`);
