// The panel leader's consensus round (Art. 11(6)): the agreed percentage and note of every
// disputed item, checked, then asked once before it is recorded — the consensus cannot be taken
// back (`confirmIrreversible`, passed in so the steps are tested without a page).
import { percentProblem } from './scores'

export interface ConsensusEntry {
  percent: number | null
  note: string
}
export type ConsensusItems = Record<string, { percent: number; note: string }>

export const CONSENSUS_TITLE_ZH = '记录合议结果'
export const CONSENSUS_CONSEQUENCE_ZH = '合议结果记录后即作为这些条目的本组评分，不能撤回或修改。是否确认？'

/** The body to send, or the first problem in words (an item's percentage or a missing note). */
export function consensusItems(items: readonly string[], entryOf: (item: string) => ConsensusEntry): { items: ConsensusItems } | { problem: string } {
  const body: ConsensusItems = {}
  for (const item of items) {
    const entry = entryOf(item)
    const problem = percentProblem(entry.percent)
    if (problem || !entry.note.trim()) return { problem: `条目 ${item}：${problem ?? '请填写合议意见。'}` }
    body[item] = { percent: entry.percent as number, note: entry.note.trim() }
  }
  return { items: body }
}

/** Checks, asks, and only then posts: 'problem' (nothing asked, nothing sent), 'declined'
 * (asked, the leader stepped back, nothing sent) or 'recorded'. */
export async function recordConsensusSteps(
  items: readonly string[],
  entryOf: (item: string) => ConsensusEntry,
  confirm: (title: string, consequence: string, action: string) => Promise<boolean>,
  post: (body: { items: ConsensusItems }) => Promise<void>,
): Promise<{ outcome: 'problem'; problem: string } | { outcome: 'declined' } | { outcome: 'recorded' }> {
  const checked = consensusItems(items, entryOf)
  if ('problem' in checked) return { outcome: 'problem', problem: checked.problem }
  if (!(await confirm(CONSENSUS_TITLE_ZH, CONSENSUS_CONSEQUENCE_ZH, '确认记录'))) return { outcome: 'declined' }
  await post(checked)
  return { outcome: 'recorded' }
}
