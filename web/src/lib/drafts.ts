// Drafts kept while a person types (issue 21, "Safeguards"): what counts as a change (a
// snapshot of the form compared with the one last loaded or saved), a debounce, and a draft kept
// in the browser's localStorage, keyed by the record, until the form is saved to the server.
// Pure (Vue's reactivity at most), so Vitest tests it without a page; `unsaved.ts` asks before
// leaving.
import { computed, ref, type ComputedRef } from 'vue'

/** A value's snapshot for comparison: JSON with object keys sorted, so the same form compares
 * equal however its objects were built. */
export function snapshotOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** What a page counts as typed and not yet sent: `source()` compared with its snapshot when the
 * page opened or last sent it (`markClean()` after each successful send). */
export function useTypedSnapshot(source: () => unknown): { dirty: ComputedRef<boolean>; markClean: () => void } {
  const clean = ref(snapshotOf(source()))
  const dirty = computed(() => snapshotOf(source()) !== clean.value)
  return {
    dirty,
    markClean: () => {
      clean.value = snapshotOf(source())
    },
  }
}

export interface Debounced {
  /** (Re)starts the wait: `run` is called `delayMs` after the last call. */
  schedule(): void
  /** Runs now if a run is waiting. */
  flush(): void
  /** Forgets a waiting run. */
  cancel(): void
  readonly pending: boolean
}

/** Calls `run` once `delayMs` have passed without another `schedule()`. */
export function debounce(run: () => void, delayMs: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null
  const fire = () => {
    timer = null
    run()
  }
  return {
    schedule() {
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(fire, delayMs)
    },
    flush() {
      if (timer === null) return
      clearTimeout(timer)
      fire()
    },
    cancel() {
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
    get pending() {
      return timer !== null
    },
  }
}

/** How long after the last keystroke a draft is kept. */
export const DRAFT_DELAY_MS = 1500

/** A draft kept in the browser. */
export interface LocalDraft<T> {
  data: T
  /** When it was kept (UTC instant). */
  savedAt: string
  /** The record's `version` the draft was typed over: another version since means the record
   * changed elsewhere. */
  baseVersion: number
}

/** The key of a record's draft: `kind` (application, sheet) and the record's id. */
export function draftKey(kind: string, ...id: string[]): string {
  return `award-draft:${kind}:${id.join(':')}`
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** Keeps `data` as the record's draft; false when the browser refuses (storage full or off). */
export function keepDraft<T>(store: Store, key: string, data: T, baseVersion: number, now: Date = new Date()): LocalDraft<T> | null {
  const draft: LocalDraft<T> = { data, savedAt: now.toISOString(), baseVersion }
  try {
    store.setItem(key, JSON.stringify(draft))
    return draft
  } catch {
    return null
  }
}

/** The record's draft, or null (none, or unreadable: an unreadable one is removed). */
export function readDraft<T>(store: Store, key: string): LocalDraft<T> | null {
  let text: string | null
  try {
    text = store.getItem(key)
  } catch {
    return null
  }
  if (text === null) return null
  try {
    const draft = JSON.parse(text) as Partial<LocalDraft<T>>
    if (draft && typeof draft === 'object' && 'data' in draft && typeof draft.savedAt === 'string' && typeof draft.baseVersion === 'number') {
      return draft as LocalDraft<T>
    }
  } catch {
    // fall through: removed below
  }
  dropDraft(store, key)
  return null
}

export function dropDraft(store: Store, key: string): void {
  try {
    store.removeItem(key)
  } catch {
    // nothing kept, nothing to remove
  }
}

const CHINA = 'Asia/Shanghai'

/** When something was saved, as a person reads it: `16:05` today (China's clock), else
 * `2026年12月6日 16:05`. */
export function savedAtZh(instant: string, now: Date = new Date()): string {
  const at = new Date(instant)
  if (Number.isNaN(at.getTime())) return ''
  const format = (d: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: CHINA, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    )
  const p = format(at)
  const today = format(now)
  const time = `${p.hour}:${p.minute}`
  return p.year === today.year && p.month === today.month && p.day === today.day ? time : `${p.year}年${p.month}月${p.day}日 ${time}`
}
