import { shallowRef } from 'vue'

/**
 * The code lists a form is filled from — administrative divisions (GB/T 2260) and industries
 * (GB/T 4754—2017 sections and divisions) — read from the same data files the server checks
 * against (shared/domain/data, sources in its README), so a person chooses a name from a list and
 * reads names, never codes. Loaded on demand: the pages that never show a division do not carry it.
 */

/** The division picker's options: one group per province, each choice named as an address. */
export interface DivisionGroup {
  label: string
  options: { value: string; label: string }[]
}

/** Sections, each with its divisions (the level a form records), for a grouped select. */
export interface IndustryGroup {
  section: string
  label: string
  options: { value: string; label: string }[]
}

function rows(csv: string): [string, string][] {
  return csv
    .split('\n')
    .slice(1)
    .filter((line) => line.includes(','))
    .map((line) => {
      const at = line.indexOf(',')
      return [line.slice(0, at), line.slice(at + 1).trim()]
    })
}

/** The division list, parsed. */
export class Divisions {
  private readonly names: Map<string, string>

  constructor(csv: string) {
    this.names = new Map(rows(csv))
  }

  has(code: string): boolean {
    return this.names.has(code)
  }

  /** Its own name (`凉州区`); empty for a code not in the list. */
  name(code: string): string {
    return this.names.get(code) ?? ''
  }

  /** The county-level divisions under prefecture `code` (`620600` → 凉州区, 民勤县, …). */
  countiesOf(code: string): string[] {
    const prefix = code.slice(0, 4)
    return [...this.names.keys()].filter((county) => county.startsWith(prefix) && !county.endsWith('00'))
  }

  /**
   * As an address reads: `620602` → `甘肃省武威市凉州区`, `110101` → `北京市东城区`;
   * empty for a code not in the list.
   */
  fullName(code: string): string {
    const own = this.names.get(code)
    if (own === undefined) return ''
    const province = `${code.slice(0, 2)}0000`
    const prefecture = `${code.slice(0, 4)}00`
    let name = ''
    if (province !== code) name += this.names.get(province) ?? ''
    if (prefecture !== code && prefecture !== province) name += this.names.get(prefecture) ?? ''
    return name + own
  }

  /**
   * One group per province, holding what a registered address is in: every county-level
   * division, and a prefecture only where it has no county under it (嘉峪关市); a province with
   * nothing listed under it (香港, 澳门, 台湾) is its own choice.
   */
  groups(): DivisionGroup[] {
    const groups = new Map<string, DivisionGroup>()
    const hasCounties = new Set<string>()
    for (const code of this.names.keys()) {
      if (!code.endsWith('00')) hasCounties.add(`${code.slice(0, 4)}00`).add(`${code.slice(0, 2)}0000`)
      else if (!code.endsWith('0000')) hasCounties.add(`${code.slice(0, 2)}0000`)
    }
    for (const [code, label] of this.names) {
      if (code.endsWith('0000')) groups.set(code, { label, options: [] })
    }
    for (const code of this.names.keys()) {
      if (hasCounties.has(code)) continue
      const group = groups.get(`${code.slice(0, 2)}0000`)
      group?.options.push({ value: code, label: this.fullName(code) })
    }
    return [...groups.values()]
  }
}

/** The industry list, parsed. */
export class Industries {
  private readonly names: Map<string, string>

  constructor(csv: string) {
    this.names = new Map(rows(csv))
  }

  /** A division a form may record (`C15`); a bare section is too coarse. */
  isDivision(code: string): boolean {
    return code.length === 3 && this.names.has(code)
  }

  /** `C15` → `酒、饮料和精制茶制造业`; empty for a code not in the list. */
  name(code: string): string {
    return this.names.get(code) ?? ''
  }

  /** `C15` → `制造业 · 酒、饮料和精制茶制造业`: the section, then the division. */
  fullName(code: string): string {
    const own = this.names.get(code)
    if (own === undefined) return ''
    const section = this.names.get(code.slice(0, 1))
    return section && code.length > 1 ? `${section} · ${own}` : own
  }

  /** The 20 sections, A to T, as `[letter, name]`. */
  sections(): [string, string][] {
    return [...this.names].filter(([code]) => code.length === 1)
  }

  groups(): IndustryGroup[] {
    const groups: IndustryGroup[] = []
    for (const [code, label] of this.names) {
      if (code.length === 1) groups.push({ section: code, label, options: [] })
      else groups.find((group) => group.section === code.slice(0, 1))?.options.push({ value: code, label })
    }
    return groups
  }
}

// The files are read as text at build time into chunks of their own, fetched on first use.
const DATA = import.meta.glob<string>('../../../shared/domain/data/*.csv', { query: '?raw', import: 'default' })

function dataFile(name: string): Promise<string> {
  const load = DATA[`../../../shared/domain/data/${name}`]
  return load ? load() : Promise.reject(new Error(`no code list ${name}`))
}

let divisions: Promise<Divisions> | undefined
let industries: Promise<Industries> | undefined

export function loadDivisions(): Promise<Divisions> {
  divisions ??= dataFile('gb2260.csv').then((text) => new Divisions(text))
  return divisions
}

export function loadIndustries(): Promise<Industries> {
  industries ??= dataFile('gb4754.csv').then((text) => new Industries(text))
  return industries
}

/**
 * Names for codes in a page, filled in once the lists have loaded: `division('620602')` →
 * `甘肃省武威市凉州区`, `industry('C15')` → `制造业 · 酒、饮料和精制茶制造业`; `—` for an empty
 * code, `（不在代码表中）` for one the lists do not hold, and `…` while loading.
 */
export function useCodeNames() {
  const lists = shallowRef<{ divisions: Divisions; industries: Industries } | null>(null)
  void Promise.all([loadDivisions(), loadIndustries()]).then(([divisions, industries]) => {
    lists.value = { divisions, industries }
  })
  const show = (code: string, name: (list: NonNullable<typeof lists.value>) => string) => {
    if (!code) return '—'
    if (!lists.value) return '…'
    return name(lists.value) || '（不在代码表中）'
  }
  return {
    division: (code: string) => show(code, (list) => list.divisions.fullName(code)),
    industry: (code: string) => show(code, (list) => list.industries.fullName(code)),
  }
}
