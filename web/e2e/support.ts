// What the browser scenarios share: tokens and calls for the setup done by API, China dates,
// a small real PDF, and the pages' field locators.
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

/** A token from the runner's development sign-in, for the setup the Office does by API. */
export async function tokenAt(base: string, role: string, sub: string, email: string): Promise<string> {
  const response = await fetch(`${base}/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: [role], sub, email }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { token: string }).token
}

export async function callAt(base: string, method: string, path: string, bearer: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true)
  return JSON.parse(text)
}

/** China's date `days` from now, `YYYY-MM-DD`. */
export function chinaDate(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** A small well-formed one-page PDF whose text is `label` (ASCII), with a correct xref table. */
export function pdf(label: string): Buffer {
  const stream = `BT /F1 18 Tf 40 100 Td (${label}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body))
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body)
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

export function field(page: Page, path: string) {
  return page.locator(`[data-field="${path}"]`)
}

export async function fillDate(page: Page, path: string, date: string) {
  const input = field(page, path).locator('input')
  await input.fill(date)
  await input.press('Enter')
}

