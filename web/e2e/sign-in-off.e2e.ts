// A runner on a non-loopback address without --expose-dev-sign-in has the development sign-in
// off: the sign-in page says so first, in Chinese, and offers no form that could not work.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { DEV_SIGN_IN_OFF_ZH } from '../src/lib/errors'
import { launchChromium, Runner, screenshots } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-sign-in-off-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const screenshot = screenshots('sign-in-off')
let base = ''
let browser: Browser

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  base = await runner.start(0, { bind: '0.0.0.0' })
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('the development sign-in, off on this server', () => {
  it('says so before any form', async () => {
    const answer = await fetch(`${base}/local/accounts`)
    expect(answer.status).toBe(404)
    expect(((await answer.json()) as { code: string }).code).toBe('dev_sign_in_off')
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${base}/#/sign-in`)
    const off = page.locator('[data-testid="dev-sign-in-off"]')
    await off.waitFor()
    expect((await off.textContent())?.trim()).toBe(DEV_SIGN_IN_OFF_ZH)
    expect(await page.locator('input[data-testid="sub"]').count()).toBe(0)
    expect(await page.locator('[data-testid="sign-in"]').count()).toBe(0)
    await screenshot(page, 'sign-in')
  })
})
