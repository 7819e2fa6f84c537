import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The theme's colours (src/theme.css) as Element Plus uses them for a toast (ElMessage) and an
// el-alert: the type's colour as text on its light-9 tint. Fully shown, each must reach WCAG 2.1
// AA's 4.5:1 (the browser tests check toasts with axe only once they have faded in).
const css = readFileSync(join(import.meta.dirname, '..', 'src', 'theme.css'), 'utf8')
const colour = (name: string): string => {
  const found = new RegExp(`--el-color-${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(css)?.[1]
  if (!found) throw new Error(`theme.css sets no --el-color-${name}`)
  return found
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (light! + 0.05) / (dark! + 0.05)
}

describe("the theme's toast and alert colours", () => {
  for (const type of ['primary', 'success', 'warning', 'danger', 'error', 'info']) {
    it(`${type}: text on its tint reaches 4.5:1`, () => {
      expect(contrast(colour(type), colour(`${type}-light-9`))).toBeGreaterThanOrEqual(4.5)
    })
  }

  it('measures contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    // Element Plus's own success green on its tint, which the theme replaces: too light.
    expect(contrast('#67c23a', '#f0f9eb')).toBeLessThan(4.5)
  })
})
