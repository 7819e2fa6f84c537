import { describe, expect, it } from 'vitest'
import { datesInTextZh } from '../src/lib/dates'
import { textWithLinks } from '../src/lib/text'

describe('texts from the API as people read them', () => {
  it('writes ISO dates in Chinese', () => {
    expect(datesInTextZh('于 2015-06-01 登记注册，有效期至 2028-11-06')).toBe('于 2015年6月1日 登记注册，有效期至 2028年11月6日')
    expect(datesInTextZh('编号 2026-001')).toBe('编号 2026-001')
  })

  it('names a web address in words and keeps it as the link', () => {
    expect(textWithLinks('在线提出异议：http://localhost:8787/#/publicity/2026\n截至 2026-10-09。')).toEqual([
      { text: '在线提出异议：' },
      { text: '打开链接', href: 'http://localhost:8787/#/publicity/2026' },
      { text: '\n截至 2026年10月9日。' },
    ])
    expect(textWithLinks('没有链接')).toEqual([{ text: '没有链接' }])
  })
})
