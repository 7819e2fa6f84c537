import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// src/api/schema.ts and src/api/types.ts are generated from docs/openapi.json, which the Rust code
// builds (a Rust test keeps that file current); this fails when the committed pages' types are not
// what the document generates: `make openapi` (or `npm run gen:api`) refreshes them.
describe('the pages’ API types', () => {
  it('are what docs/openapi.json generates', () => {
    const web = fileURLToPath(new URL('..', import.meta.url))
    const run = spawnSync(process.execPath, ['scripts/gen-api.mjs', '--check'], { cwd: web, encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  }, 60_000)
})
