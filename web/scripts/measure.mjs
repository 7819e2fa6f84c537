// The pages' figures for docs/PERFORMANCE.md, after `npm run build`: the gzip sizes of the public entry
// (what the public home page loads: its JS chunks and CSS), of the public pages loaded on demand,
// and of the staff pages (every role's lazy chunks and what they load, less what the entry already
// has); then the time to first render (first contentful paint) of the public home page in
// headless Chromium against the local runner, the median of 5 cold loads.
//
// AWARD_LOCAL_BIN: the runner (default: ../target/{release,debug}/award-local, else award-local
// on PATH). CHROMIUM: the browser (default /usr/bin/chromium). Prints Markdown.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync, constants } from 'node:zlib'
import { chromium } from 'playwright-core'

const web = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(web, 'dist')
const RUNS = 5

// --- bundle sizes ----------------------------------------------------------------------------

const manifestPath = join(dist, '.vite', 'manifest.json')
if (!existsSync(manifestPath)) {
  console.error('measure: no dist/.vite/manifest.json; run `npm run build` first')
  process.exit(1)
}
/** @type {Record<string, {file: string, src?: string, isEntry?: boolean, isDynamicEntry?: boolean, imports?: string[], dynamicImports?: string[], css?: string[]}>} */
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))

/** Bytes of `file` (under dist/) after gzip at level 9. */
const gzipped = (file) => gzipSync(readFileSync(join(dist, file)), { level: constants.Z_BEST_COMPRESSION }).length
const raw = (file) => readFileSync(join(dist, file)).length

/** The manifest keys `keys` load: themselves, their static imports, and (with `dynamic`) what
 * they load on demand, transitively. */
function closure(keys, dynamic) {
  const seen = new Set()
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return
    seen.add(key)
    for (const next of manifest[key].imports ?? []) visit(next)
    if (dynamic) for (const next of manifest[key].dynamicImports ?? []) visit(next)
  }
  keys.forEach(visit)
  return seen
}

/** The JS and CSS files of `keys`, less those in `except`. */
function files(keys, except = new Set()) {
  const js = new Set()
  const css = new Set()
  for (const key of keys) {
    if (!except.has(manifest[key].file)) js.add(manifest[key].file)
    for (const sheet of manifest[key].css ?? []) if (!except.has(sheet)) css.add(sheet)
  }
  return { js: [...js], css: [...css] }
}

const total = (list, measure) => list.reduce((sum, file) => sum + measure(file), 0)
const kb = (bytes) => (bytes / 1024).toFixed(1)

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry)
const entry = files(closure([entryKey], false))
const inEntry = new Set([...entry.js, ...entry.css])
const pages = Object.keys(manifest).filter((key) => manifest[key].isDynamicEntry && manifest[key].src?.startsWith('src/pages/'))
const isPublic = (key) => key.startsWith('src/pages/public/') || key === 'src/pages/SignInPage.vue'
const publicLazy = files(closure(pages.filter(isPublic), false), inEntry)
const staffPages = pages.filter((key) => !isPublic(key))
const staff = files(closure(staffPages, true), inEntry)
const oidcKey = Object.keys(manifest).find((key) => manifest[key].src?.includes('oidc-client-ts'))
const oidc = oidcKey ? files(closure([oidcKey], false), inEntry) : { js: [], css: [] }

const rows = [
  ['public entry (home page: index.html loads these)', entry],
  ['public pages on demand (notices, publicity, winners, register, sign-in)', publicLazy],
  [`staff pages (${staffPages.length} lazy pages and what they load, charts included)`, staff],
  ['OIDC client (loaded only where config.json names Cognito)', oidc],
]
console.log('| chunk set | JS files | JS gzip (KiB) | CSS gzip (KiB) | total gzip (KiB) | total raw (KiB) |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const [label, set] of rows) {
  const js = total(set.js, gzipped)
  const css = total(set.css, gzipped)
  console.log(`| ${label} | ${set.js.length} | ${kb(js)} | ${kb(css)} | ${kb(js + css)} | ${kb(total([...set.js, ...set.css], raw))} |`)
}

// --- first contentful paint --------------------------------------------------------------------

function runnerBinary() {
  if (process.env.AWARD_LOCAL_BIN) return process.env.AWARD_LOCAL_BIN
  for (const candidate of [join(web, '..', 'target', 'release', 'award-local'), join(web, '..', 'target', 'debug', 'award-local')]) {
    if (existsSync(candidate)) return candidate
  }
  return 'award-local'
}

/** Starts the runner on a fresh data folder; resolves to its address and the child. */
function startRunner(data) {
  return new Promise((resolve, reject) => {
    const child = spawn(runnerBinary(), ['serve', '--addr', '127.0.0.1:0', '--data', data, '--web', dist], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const read = (chunk) => {
      output += chunk.toString()
      const address = /serving the award API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (address) resolve({ base: address, child })
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`award-local exited (${code}) before serving:\n${output}`)))
  })
}

async function call(base, method, path, token, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

const chinaDate = (days) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10)

const data = mkdtempSync(join(tmpdir(), 'award-measure-'))
const { base, child } = await startRunner(data)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
try {
  // An open call, so the home page shows what the public sees during a cycle.
  const sign = async (role, sub) => (await call(base, 'POST', '/local/sign-in', null, { roles: [role], sub, email: `${sub}@example.cn` })).token
  const office = await sign('office', 'office-1')
  const year = chinaDate(0).slice(0, 4)
  await call(base, 'POST', '/cycles', office, { id: year, title: `${year}年度武威市人民政府质量奖`, application_deadline: chinaDate(30), recommendation_deadline: chinaDate(45) })
  await call(base, 'POST', `/cycles/${year}/rules/approve`, await sign('committee', 'committee-1'))
  await call(base, 'POST', `/cycles/${year}/open`, office)

  const paints = []
  for (let run = 0; run < RUNS; run += 1) {
    // A fresh context each run: a cold cache, as a first visit.
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${base}/`, { waitUntil: 'load' })
    await page.locator('[data-testid="open-cycle"]').waitFor()
    const fcp = await page.waitForFunction(() => performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint')?.startTime)
    paints.push(Number(await fcp.jsonValue()))
    await context.close()
  }
  const sorted = [...paints].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]
  console.log('')
  console.log(`First contentful paint of the public home page (\`#/\`, an open call), headless Chromium ${browser.version()}, runner on the loopback, cold cache, ${RUNS} runs on ${cpus().length} cores:`)
  console.log('')
  console.log(`| median (ms) | runs (ms) |`)
  console.log('|---:|---|')
  console.log(`| ${median.toFixed(0)} | ${paints.map((p) => p.toFixed(0)).join(', ')} |`)
  console.log('')
  console.log(`Measured ${new Date().toISOString().slice(0, 10)} with \`npm run measure\` (${execFileSync('node', ['--version']).toString().trim()}).`)
} finally {
  await browser.close()
  child.kill('SIGTERM')
  rmSync(data, { recursive: true, force: true })
}
