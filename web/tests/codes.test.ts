import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Divisions, Industries } from '../src/lib/codes'

// The same files the server checks codes against.
const divisions = new Divisions(readFileSync(new URL('../../shared/domain/data/gb2260.csv', import.meta.url), 'utf8'))
const industries = new Industries(readFileSync(new URL('../../shared/domain/data/gb4754.csv', import.meta.url), 'utf8'))

describe('the division list (GB/T 2260)', () => {
  it('names every county of Wuwei as an address reads', () => {
    expect(divisions.fullName('620602')).toBe('甘肃省武威市凉州区')
    expect(divisions.fullName('620621')).toBe('甘肃省武威市民勤县')
    expect(divisions.fullName('620622')).toBe('甘肃省武威市古浪县')
    expect(divisions.fullName('620623')).toBe('甘肃省武威市天祝藏族自治县')
    expect(divisions.fullName('110101')).toBe('北京市东城区')
    expect(divisions.fullName('620699')).toBe('')
  })

  it('offers every county of Gansu, by name, in the province\'s group', () => {
    const gansu = divisions.groups().find((group) => group.label === '甘肃省')
    const wuwei = gansu?.options.filter((option) => option.value.startsWith('6206'))
    expect(wuwei).toEqual([
      { value: '620602', label: '甘肃省武威市凉州区' },
      { value: '620621', label: '甘肃省武威市民勤县' },
      { value: '620622', label: '甘肃省武威市古浪县' },
      { value: '620623', label: '甘肃省武威市天祝藏族自治县' },
    ])
    // 86 county-level divisions, and 嘉峪关市, a prefecture with none under it; no prefecture
    // that has counties, no province.
    expect(gansu?.options).toHaveLength(87)
    expect(gansu?.options.map((option) => option.value)).toContain('620200')
    expect(gansu?.options.map((option) => option.value)).not.toContain('620600')
    // A municipality's districts read without a missing level; 香港 is its own choice.
    expect(divisions.groups().find((group) => group.label === '北京市')?.options[0]).toEqual({ value: '110101', label: '北京市东城区' })
    expect(divisions.groups().find((group) => group.label === '香港特别行政区')?.options).toEqual([
      { value: '810000', label: '香港特别行政区' },
    ])
  })
})

describe('the industry list (GB/T 4754—2017)', () => {
  it('groups the 97 divisions under the 20 sections', () => {
    const groups = industries.groups()
    expect(groups).toHaveLength(20)
    expect(groups.flatMap((group) => group.options)).toHaveLength(97)
    expect(groups.find((group) => group.section === 'C')?.options).toHaveLength(31)
  })

  it('names a division with its section, and refuses what it does not hold', () => {
    expect(industries.fullName('C15')).toBe('制造业 · 酒、饮料和精制茶制造业')
    expect(industries.isDivision('C15')).toBe(true)
    expect(industries.isDivision('C')).toBe(false)
    expect(industries.isDivision('C1515')).toBe(false)
    expect(industries.name('Z99')).toBe('')
  })
})
