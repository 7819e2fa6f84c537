// A new contact email confirmed through the link emailed to it, in Chromium: an applicant
// creates an application with its account's address and saves the form with another one; the
// runner emails that address a link to the pages (`<base>/#/email-confirmations/<token>`), read
// back from its outbox; opening it confirms once, opening it again or with a token never issued
// shows why not. On a runner of its own: award.e2e.ts creates the shared runner's cycle and counts
// its applications exactly, so an application made there would upset it, in whichever order the
// files run. Screenshots: target/screenshots/email-confirmation-NN-*.png.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { readOutbox, type Email } from './mail'
import { callAt, chinaDate, launchChromium, Runner, screenshots, tokenAt } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-email-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const screenshot = screenshots('email-confirmation')
const year = chinaDate(0).slice(0, 4)
const accountEmail = 'quality@example.cn'
const newEmail = 'new-contact@example.cn'
let base = ''
let browser: Browser
let applicationId = ''
let link = ''

interface Contact {
  account_email: string
  confirmed_email: string | null
  pending_email: string | null
  /** When the pending address's link expires; absent when none is pending. */
  pending_until?: string
}

/** The page's requests to the API's `/email-confirmations…` routes, as `METHOD path`: the page
 * must only ever post the token (a GET of the API's link route would confirm too). */
function confirmationCalls(page: Page): string[] {
  const calls: string[] = []
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname
    if (path.startsWith('/email-confirmations')) calls.push(`${request.method()} ${path}`)
  })
  return calls
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  base = await runner.start(0)
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('a new contact email is confirmed through the emailed link', () => {
  it('emails the new address a link to the confirmation page when the form names it', async () => {
    const call = (method: string, path: string, bearer: string, body?: unknown) => callAt(base, method, path, bearer, body)
    const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    const committee = await tokenAt(base, 'committee', 'committee-1', 'committee@wuwei.example.cn')
    const applicant = await tokenAt(base, 'applicant', 'ent-email', accountEmail)
    await call('POST', '/cycles', office, { id: year, title: `${year}年度武威市人民政府质量奖`, application_deadline: chinaDate(30), recommendation_deadline: chinaDate(45) })
    await call('POST', `/cycles/${year}/rules/approve`, committee)
    await call('POST', `/cycles/${year}/open`, office)
    // The account's own address needs no confirmation; the form then names another one.
    const created = (await call('POST', '/applications', applicant, {
      organisation_name: '武威市邮箱确认示例有限公司',
      uscc: '91620602MA74XY8Q08',
      registration_date: '2015-06-01',
      division_code: '620602',
      contact_email: accountEmail,
    })) as { id: string }
    applicationId = created.id
    const read = (await call('GET', `/applications/${applicationId}`, applicant)) as { version: number; form: { contact: Record<string, unknown> }; contact: Contact }
    expect(read.contact).toEqual({ account_email: accountEmail, confirmed_email: null, pending_email: null })
    const saved = (await call('PUT', `/applications/${applicationId}/form`, applicant, {
      version: read.version,
      form: { ...read.form, contact: { ...read.form.contact, email: newEmail } },
    })) as { contact: Contact }
    const { pending_until: until, ...addresses } = saved.contact
    expect(addresses).toEqual({ account_email: accountEmail, confirmed_email: null, pending_email: newEmail })
    // The link lives 72 hours: saving the same address again sends a new one only after that.
    const hoursLeft = (Date.parse(until ?? '') - Date.now()) / 3_600_000
    expect(hoursLeft).toBeGreaterThan(71)
    expect(hoursLeft).toBeLessThanOrEqual(72)

    // The notice is sent by the runner's worker, after the save answered.
    const outbox = join(data, 'outbox')
    const confirmations = (): Email[] => readOutbox(outbox).filter((email) => email.subject.includes('请确认联系邮箱'))
    await expect.poll(() => confirmations().length, { timeout: 30_000 }).toBeGreaterThan(0)
    const [email, ...others] = confirmations()
    expect(others, 'one confirmation only: the account address needs none').toEqual([])
    expect(email?.to).toEqual([newEmail])
    // The subject names the stage and the organisation, as every notice's does.
    expect(email?.subject).toMatch(/^武威市人民政府质量奖：请确认联系邮箱：.+/)
    expect(email?.text).toContain(`填写的联系邮箱为 ${newEmail}`)
    const links = [...(email?.text ?? '').matchAll(/https?:\/\/\S+/g)].map((match) => match[0])
    expect(links).toHaveLength(1)
    link = links[0] as string
    expect(link.startsWith(`${base}/#/email-confirmations/`), link).toBe(true)
    expect(link.slice(`${base}/#/email-confirmations/`.length)).toMatch(/^[0-9a-f]{32}$/)
  })

  it('confirms the address once on opening the link, also when the page is shown again or reloaded', async () => {
    expect(link, 'the emailed link (previous case)').not.toBe('')
    const page = await (await browser.newContext()).newPage()
    const calls = confirmationCalls(page)
    await page.goto(link)
    const confirmed = page.locator('[data-testid="email-confirmed"]')
    await expect.poll(() => confirmed.count(), { timeout: 15_000 }).toBe(1)
    expect(await confirmed.textContent()).toContain('电子邮箱已确认')
    expect(await page.locator('[data-testid="confirmed-email"]').textContent()).toBe(newEmail)
    expect(await page.title()).toBe('确认电子邮箱 - 武威市人民政府质量奖')
    expect(calls).toEqual(['POST /email-confirmations'])
    await screenshot(page, 'confirmed')

    const applicant = await tokenAt(base, 'applicant', 'ent-email', accountEmail)
    const after = (await callAt(base, 'GET', `/applications/${applicationId}`, applicant)) as { contact: Contact }
    expect(after.contact).toEqual({ account_email: accountEmail, confirmed_email: newEmail, pending_email: null })

    // Away to the home page and back through the history: the first answer again, no second post.
    await confirmed.getByText('返回首页').click()
    await expect.poll(() => new URL(page.url()).hash).toBe('#/')
    await page.goBack()
    await expect.poll(() => page.locator('[data-testid="email-confirmed"] [data-testid="confirmed-email"]').textContent()).toBe(newEmail)
    expect(calls).toEqual(['POST /email-confirmations'])

    // Reloaded: the page starts afresh, and the tab's record of the success shows it again
    // instead of the API's "used" (a fresh tab with the same link is refused: next case).
    await page.reload()
    await expect.poll(() => page.locator('[data-testid="email-confirmed"] [data-testid="confirmed-email"]').textContent(), { timeout: 15_000 }).toBe(newEmail)
    expect(await page.locator('[data-testid="email-not-confirmed"]').count()).toBe(0)
    expect(calls).toEqual(['POST /email-confirmations'])
    await screenshot(page, 'reloaded')
  })

  it('refuses the same link opened again, saying why and how to get a new one', async () => {
    expect(link, 'the emailed link (first case)').not.toBe('')
    const page = await (await browser.newContext()).newPage()
    const calls = confirmationCalls(page)
    const answer = page.waitForResponse((response) => response.url() === `${base}/email-confirmations` && response.request().method() === 'POST')
    await page.goto(link)
    const refusal = await answer
    expect(refusal.status()).toBe(404)
    const body = (await refusal.json()) as { code: string; message_zh: string }
    expect(body.code).toBe('confirmation_not_found')
    const failed = page.locator('[data-testid="email-not-confirmed"]')
    await expect.poll(() => failed.count(), { timeout: 15_000 }).toBe(1)
    const text = await failed.textContent()
    expect(text).toContain('无法确认电子邮箱')
    expect(await page.locator('[data-testid="confirmation-failure"]').textContent()).toBe(body.message_zh)
    expect(text).toContain('72小时内有效，且只能使用一次')
    expect(text).toContain('重新保存联系邮箱')
    expect(await page.locator('[data-testid="retry-confirmation"]').count()).toBe(0)
    expect(await page.locator('[data-testid="email-confirmed"]').count()).toBe(0)
    expect(calls).toEqual(['POST /email-confirmations'])
    await screenshot(page, 'used')
  })

  it('refuses a token that was never issued', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${base}/#/email-confirmations/${'0'.repeat(32)}`)
    const failed = page.locator('[data-testid="email-not-confirmed"]')
    await expect.poll(() => failed.count(), { timeout: 15_000 }).toBe(1)
    expect(await failed.textContent()).toContain('无法确认电子邮箱')
    expect(await page.locator('[data-testid="confirmation-failure"]').textContent()).toBe('确认链接无效、已过期或已使用。')
    await screenshot(page, 'never-issued')
  })
})
