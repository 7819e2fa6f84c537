// The cycle's archive (档案) from the Office's page: a runner of its own plays the demo, the
// Office opens the 2026 dashboard, starts the export with the keyboard, watches it finish (the
// list polls), and downloads the zip, which `award-local archive verify` then checks file by
// file. The export is marked 已完结 (the demo's cycle is finished). Screenshots under
// target/screenshots/archive-*.png.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { ArchiveJob } from '../src/api/types'
import { formatInstant } from '../src/lib/dates'
import { callAt, launchChromium, Runner, screenshots, signIn, tokenAt } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-archive-'))
const bin = process.env.AWARD_LOCAL_BIN ?? ''
const runner = new Runner(bin, data)
const screenshot = screenshots('archive')
const PLAY_MS = 180_000
let browser: Browser
let base = ''

beforeAll(async () => {
  expect(bin, 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  base = await runner.start(0, { demo: true, withinMs: PLAY_MS })
}, PLAY_MS + 20_000)

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe("the cycle's archive", () => {
  it('is exported by the Office from its dashboard, downloaded, and verifies', async () => {
    const context = await browser.newContext({ reducedMotion: 'reduce', acceptDownloads: true })
    const page = await context.newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@award.wuwei.local')
    await page.goto(`${base}/#/office/2026`)
    const card = page.locator('[data-testid="archive-export"]')
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain('尚未导出档案。')

    // Started from the keyboard: the button takes the focus and Enter.
    const start = card.locator('[data-testid="archive-start"]')
    await start.focus()
    await page.keyboard.press('Enter')
    const item = card.locator('[data-testid="archive-list"] li').first()
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 60_000 }).toBe('done')
    const office = await tokenAt(base, 'office', 'office-1', 'office@award.wuwei.local')
    const listed = (await callAt(base, 'GET', '/cycles/2026/archives', office)) as { archives: ArchiveJob[] }
    expect(listed.archives).toHaveLength(1)
    const archive = listed.archives[0]!
    expect(archive.final).toBe(true)
    const text = (await item.textContent()) ?? ''
    expect(text).toContain(`${formatInstant(archive.requested_at)} 导出`)
    expect(text).toContain('已完结')
    expect(text).toContain('已完成')
    expect(text).toContain(`${archive.files_written} 个文件`)
    // Once done, the export may be asked for again.
    expect(await start.isDisabled()).toBe(false)
    await screenshot(page, 'dashboard-exported')

    // Downloaded from the keyboard, under the cycle's and the day's name.
    const download = card.locator('[data-testid="archive-download"]')
    expect(await download.getAttribute('aria-label')).toBe(`下载档案（${formatInstant(archive.requested_at)} 导出）`)
    const saved = page.waitForEvent('download')
    await download.focus()
    await page.keyboard.press('Enter')
    const file = await saved
    expect(file.suggestedFilename()).toMatch(/^武威市人民政府质量奖档案-2026-\d{8}\.zip$/)
    const path = join(data, 'downloaded.zip')
    await file.saveAs(path)
    const bytes = readFileSync(path)
    expect(bytes.length).toBe(archive.size)
    expect(bytes.subarray(0, 2).toString()).toBe('PK')
    const verified = execFileSync(bin, ['archive', 'verify', path], { encoding: 'utf8' })
    expect(verified).toContain('OK: the archive matches its manifest')
    expect(verified).toContain(`${archive.files_written} files verified`)
    await context.close()
  }, 120_000)
})
