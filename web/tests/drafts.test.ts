import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reactive } from 'vue'
import { debounce, draftKey, dropDraft, keepDraft, readDraft, savedAtZh, snapshotOf, useTypedSnapshot } from '../src/lib/drafts'

/** localStorage's part the drafts use, in memory; `full` refuses every write as a full store does. */
function memoryStore(full = false) {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (full) throw new DOMException('quota', 'QuotaExceededError')
      items.set(key, value)
    },
    removeItem: (key: string) => void items.delete(key),
  }
}

describe('what counts as a change', () => {
  it('compares forms by their content, whatever the order of their keys', () => {
    expect(snapshotOf({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(snapshotOf({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }))
    expect(snapshotOf({ a: 1, b: [1, 2] })).not.toBe(snapshotOf({ a: 1, b: [2, 1] }))
  })

  it('is dirty once something is typed, clean again once sent, and again on the next keystroke', () => {
    const form = reactive({ opinions: '', note: '', rows: [] as string[] })
    const typed = useTypedSnapshot(() => form)
    expect(typed.dirty.value).toBe(false)
    form.opinions = '同意'
    expect(typed.dirty.value).toBe(true)
    form.opinions = ''
    expect(typed.dirty.value).toBe(false)
    form.rows.push('一行')
    expect(typed.dirty.value).toBe(true)
    typed.markClean()
    expect(typed.dirty.value).toBe(false)
    form.note = '备注'
    expect(typed.dirty.value).toBe(true)
  })
})

describe('the debounce', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('runs once, the delay after the last keystroke', () => {
    const run = vi.fn()
    const kept = debounce(run, 1500)
    kept.schedule()
    vi.advanceTimersByTime(1000)
    kept.schedule()
    vi.advanceTimersByTime(1000)
    expect(run).not.toHaveBeenCalled()
    expect(kept.pending).toBe(true)
    vi.advanceTimersByTime(500)
    expect(run).toHaveBeenCalledTimes(1)
    expect(kept.pending).toBe(false)
    vi.advanceTimersByTime(5000)
    expect(run).toHaveBeenCalledTimes(1)
  })

  it('runs at once when flushed, and never when cancelled', () => {
    const run = vi.fn()
    const kept = debounce(run, 1500)
    kept.flush()
    expect(run).not.toHaveBeenCalled()
    kept.schedule()
    kept.flush()
    expect(run).toHaveBeenCalledTimes(1)
    kept.schedule()
    kept.cancel()
    vi.advanceTimersByTime(5000)
    expect(run).toHaveBeenCalledTimes(1)
  })
})

describe('the draft kept in the browser', () => {
  it('is kept per record with when it was kept and the version it was typed over', () => {
    const store = memoryStore()
    const key = draftKey('application', '01J0000000000000000000000A')
    expect(key).toBe('award-draft:application:01J0000000000000000000000A')
    expect(draftKey('sheet', 'app', 'document', 'expert-1')).toBe('award-draft:sheet:app:document:expert-1')
    const at = new Date('2026-12-07T08:30:00Z')
    expect(keepDraft(store, key, { name: '武威某公司' }, 3, at)).toEqual({ data: { name: '武威某公司' }, savedAt: at.toISOString(), baseVersion: 3 })
    expect(readDraft(store, key)).toEqual({ data: { name: '武威某公司' }, savedAt: '2026-12-07T08:30:00.000Z', baseVersion: 3 })
    expect(readDraft(store, draftKey('application', 'another'))).toBeNull()
    dropDraft(store, key)
    expect(readDraft(store, key)).toBeNull()
  })

  it('drops what it cannot read, and says when the browser would not keep it', () => {
    const store = memoryStore()
    store.items.set('k', '{not json')
    expect(readDraft(store, 'k')).toBeNull()
    expect(store.items.has('k')).toBe(false)
    store.items.set('k', JSON.stringify({ data: {} }))
    expect(readDraft(store, 'k')).toBeNull()
    expect(keepDraft(memoryStore(true), 'k', {}, 1)).toBeNull()
  })

  it("says when it was saved on China's clock: the time today, the date too before", () => {
    const now = new Date('2026-12-07T08:30:00Z') // 16:30 in Wuwei
    expect(savedAtZh('2026-12-07T08:05:00Z', now)).toBe('16:05')
    // 23:50 UTC on 6 December is 07:50 on 7 December in China: today there.
    expect(savedAtZh('2026-12-06T23:50:00Z', now)).toBe('07:50')
    expect(savedAtZh('2026-12-06T15:59:00Z', now)).toBe('2026年12月6日 23:59')
    expect(savedAtZh('not a time', now)).toBe('')
  })
})
