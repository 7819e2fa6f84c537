// The order of a cycle's decision steps (Arts. 7(3), 11(8)–(9)), as the server enforces it: the
// Committee's deliberation, the vice-mayors' consultation, the publicity, then after its last day
// the executive meeting, and the approvals on it. Each step's form says what comes first until
// the cycle reaches it.
import type { CycleView } from '../api/types'
import { formatChinaDate } from './dates'

type Decision = {
  deliberation: unknown | null
  consultation: unknown | null
  publicity: { last_day: string } | null
  executive_meeting: unknown | null
}

export interface StageNotes {
  consultation: string | null
  publicity: string | null
  executiveMeeting: string | null
  approval: string | null
}

/** Why each step is not yet open (null once it is); `today` a China date. */
export function decisionStageNotes(decision: Decision | CycleView['decision'], today: string): StageNotes {
  const deliberation = decision.deliberation ? null : '尚未到此步骤：须先由评审委员会审议并记录建议名单。'
  const consultation = deliberation ?? null
  const publicity = deliberation
    ? '尚未到此步骤：须先由评审委员会审议，再征求分管副市长意见，然后开始公示。'
    : decision.consultation
      ? null
      : '尚未到此步骤：须先记录征求分管副市长意见，然后开始公示。'
  let executiveMeeting: string | null = null
  if (!decision.publicity) executiveMeeting = '尚未到此步骤：须先开始公示，公示期满后方可记录市政府常务会议。'
  else if (today <= decision.publicity.last_day) executiveMeeting = `尚未到此步骤：公示期至${formatChinaDate(decision.publicity.last_day)}，期满后方可记录市政府常务会议。`
  const approval = executiveMeeting ?? (decision.executive_meeting ? null : '尚未到此步骤：须先记录市政府常务会议，然后批准和颁奖。')
  return { consultation, publicity, executiveMeeting, approval }
}
