#!/usr/bin/env node
// Fails when src/api/schema.d.ts is not what openapi-typescript makes of docs/openapi.json,
// i.e. when the contract changed and the SPA's types were not regenerated.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const contract = join(web, '..', 'docs', 'openapi.json');
const checkedIn = join(web, 'src', 'api', 'schema.d.ts');
const dir = mkdtempSync(join(tmpdir(), 'messenger-api-'));
const fresh = join(dir, 'schema.d.ts');

try {
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
      'src/api/schema.d.ts is out of date with docs/openapi.json.\n' +
        'Run `npm run gen:api` in web/ and commit the result (then fix any type errors it reveals).',
    );
    process.exit(1);
  }
  console.log('src/api/schema.d.ts matches docs/openapi.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
