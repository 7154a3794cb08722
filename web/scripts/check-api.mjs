#!/usr/bin/env node
// Fails when src/api/schema.d.ts (REST) or src/api/ws-schema.d.ts (WebSocket) is not what
// openapi-typescript makes of docs/openapi.json / docs/websocket.json, i.e. when a contract
// changed and the SPA's types were not regenerated.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
/** @type {Array<[string, string]>} */
const pairs = [
  ['openapi.json', 'schema.d.ts'],
  ['websocket.json', 'ws-schema.d.ts'],
];
const dir = mkdtempSync(join(tmpdir(), 'messenger-api-'));
let stale = false;

try {
  for (const [contractName, typesName] of pairs) {
    const contract = join(web, '..', 'docs', contractName);
    const checkedIn = join(web, 'src', 'api', typesName);
    const fresh = join(dir, typesName);
    execFileSync(join(web, 'node_modules', '.bin', 'openapi-typescript'), [contract, '-o', fresh], {
      cwd: web,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let current = '';
    try {
      current = readFileSync(checkedIn, 'utf8');
    } catch {
      // Missing counts as stale.
    }
    if (readFileSync(fresh, 'utf8') !== current) {
      console.error(
        `src/api/${typesName} is out of date with docs/${contractName}.\n` +
          'Run `npm run gen:api` in web/ and commit the result (then fix any type errors it reveals).',
      );
      stale = true;
    } else {
      console.log(`src/api/${typesName} matches docs/${contractName}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (stale) process.exit(1);
