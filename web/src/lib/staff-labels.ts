// Chinese names of the codes only the staff's pages show (kept out of the public entry chunk,
// which loads `labels.ts`).
import type {
  Art18Cause,
  AssignmentStatus,
  CaseStatus,
  Condition,
  Expert,
  NoticeKind,
  ObjectionStatus,
  Outcome,
  Overall,
  ReviewPhase,
  Sector,
} from '../api/types'

/** shared/domain/src/eligibility.rs `Condition`, as Arts. 5, 10, 17, 18 word them. */
export const CONDITION_ZH: Record<Condition, string> = {
  registration: '在武威市行政区域内依法登记注册',
  operating_years: '正常经营满3年',
  compliance: '符合产业、环保、能源、安全、质量等政策法规',
  quality_system: '建立并有效运行质量管理体系',
  self_assessment: '导入卓越绩效模式并开展自我评价',
  key_indicators: '近3年主要经济与质量指标',
  inspections: '近3年质量监督抽查和出口商品检验合格',
  construction_award: '建筑业企业获省级以上优质工程表彰',
  credit: '信用记录良好',
  incidents: '近3年无重大质量、安全、环境、公共卫生事故',
  uscc_check_character: '统一社会信用代码校验位',
  not_debarred: '不在撤销后禁止申报期内（第十七条、第十八条）',
  no_valid_award: '不在已获奖有效期内（第五条）',
  recommendation: '推荐单位已签署推荐意见',
}

export const OUTCOME_ZH: Record<Outcome, string> = {
  pass: '符合',
  fail: '不符合',
  needs_review: '待人工核查',
}

export const OVERALL_ZH: Record<Overall, string> = {
  eligible: '合格',
  ineligible: '不合格',
  needs_review: '待人工核查',
}

export const SECTOR_ZH: Record<Sector, string> = {
  government: '政府部门',
  association: '行业协会',
  media: '新闻媒体',
  university: '高等院校',
  research_institute: '科研院所',
  enterprise: '企业',
}

/** An expert's standing in the pool (`Expert.status`). */
export type ExpertStatus = Expert['status']

export const EXPERT_STATUS_ZH: Record<ExpertStatus, string> = {
  active: '在库',
  suspended: '暂停',
  disqualified: '取消资格',
}

export const PHASE_ZH: Record<ReviewPhase, string> = {
  document: '资料评审',
  onsite: '现场评审',
}

export const ASSIGNMENT_STATUS_ZH: Record<AssignmentStatus, string> = {
  assigned: '待声明回避与承诺',
  accepted: '评审中',
  submitted: '已提交',
  withdrawn: '已退出',
}

export const OBJECTION_STATUS_ZH: Record<ObjectionStatus, string> = {
  open: '待核实',
  upheld: '异议成立',
  dismissed: '异议不成立',
}

export const CASE_STATUS_ZH: Record<CaseStatus, string> = {
  open: '调查中',
  revocation_proposed: '评审委员会建议撤销，待市政府批准',
  revoked: '已撤销',
  closed: '已结案（不撤销）',
}

/** Art. 18's five causes, in its order (1)–(5). */
export const ART18_CAUSE_ZH: Record<Art18Cause, string> = {
  serious_accident: '（一）发生重大质量、安全、环境、公共卫生事故',
  serious_quality_problem: '（二）出现严重质量问题，受到行政处罚或经核实的社会投诉',
  failed_sampling_inspection: '（三）产品在国家、省、市监督抽查中不合格',
  serious_operating_losses: '（四）经营管理不善造成严重亏损',
  other_serious_violation: '（五）其他严重违法行为',
}

/** The register's statuses (`GET /public/register`). */
export const AWARD_STATUS_ZH: Record<string, string> = {
  valid: '有效',
  expired: '已届满',
  revoked: '已撤销',
}

/** The outbox's notice kinds (shared/domain/src/lifecycle.rs `NoticeKind`), as their emails'
 * subjects name them (shared/app/templates/notices/*.txt). */
export const NOTICE_KIND_ZH: Record<NoticeKind, string> = {
  application_created: '申报草稿已创建',
  application_submitted: '申报已提交',
  approved: '获奖已经市政府审定',
  assignment_withdrawn: '评审任务已撤回',
  award_announcement: '获奖名单公告',
  awarded: '荣获武威市人民政府质量奖',
  candidate_for_deliberation: '候选获奖名单待审议',
  candidate_listed: '列入候选获奖名单',
  conflict_declared: '专家申请回避',
  consensus_requested: '请组织合议',
  deadline_extended: '截止日期已延长',
  debarment_ended: '禁止申报期限已届满',
  document_received: '材料已接收',
  document_rejected: '材料未通过核验',
  document_review_completed: '资料评审已完成',
  eligible: '资格审查通过',
  email_confirmation: '请确认联系邮箱',
  expert_assigned: '评审任务',
  expired: '质量奖有效期已届满',
  expiry_reminder: '质量奖有效期即将届满',
  follow_up_visit_due: '获奖单位巡访到期',
  ineligible: '资格审查未通过',
  not_selected: '未列入候选或建议获奖名单',
  not_shortlisted: '未进入现场评审',
  objection_answered: '异议处理结果',
  objection_pending: '公示期满但异议尚未处理',
  objection_received: '收到公示异议',
  objection_to_investigate: '公示异议待调查',
  onsite_review_completed: '现场评审已完成',
  onsite_visit_scheduled: '现场评审安排',
  proposed: '列入建议名单',
  publicity_announcement: '拟获奖名单公示',
  publicity_amended: '拟获奖名单变更公告',
  publicity_closed: '公示期满，可提请审定',
  publicity_started: '公示已开始',
  reclaim_reward: '请收回质量奖奖金',
  recommendation_declined: '推荐单位未予推荐',
  recommendation_requested: '请签署推荐意见',
  recommended: '推荐意见已签署',
  rejected: '申报未获通过',
  objection_limit_reached: '同一网络地址的公示异议已达当日上限',
  revocation_announcement: '撤销质量奖公告',
  revocation_case_decided: '撤销案件审议结果',
  revocation_case_opened: '撤销调查已启动',
  revoked: '质量奖已撤销',
  reward_payable: '请拨付质量奖奖金',
  reward_paid: '奖金已拨付',
  scores_reopened: '评分已退回修改',
  shortlisted: '进入现场评审',
  withdrawn: '申报已撤回',
}

/** Why the outbox gave a notice up (shared/app/src/model.rs `NoticeFailure`), as the Office reads
 * it on its list of failed notices: what happened, and what to do before resending. */
export const NOTICE_FAILURE_ZH: Record<string, string> = {
  refused:
    '邮件服务拒收了这封邮件：可能是收件地址无效，也可能是本系统的发件设置有误（多封通知同时出现此情况时，多为后者，请联系系统维护人员）。重新发送仍发往原地址。',
  misconfigured: '通知未能生成，或系统的邮件设置有误。请联系系统维护人员处理后再重新发送。',
  unavailable: '系统多次尝试发送均未成功（邮件服务暂不可用）。可稍后重新发送；如仍失败，请联系系统维护人员。',
  overdue: '生成后7天内一直未能发出。请确认内容仍然有效后重新发送。',
}

/** Said beside the reason when a send was never confirmed (`unconfirmed_sends` > 0). */
export const NOTICE_POSSIBLY_DELIVERED_ZH = '其中有的发送未得到邮件服务确认，收件人可能已经收到，重新发送前请先与收件人确认。'

/** The Office's wording for a failed notice: its `failure` (`null` on notices given up before the
 * reason was recorded) and, when a send may have gone through, the warning against a second copy. */
export function noticeFailureZh(failure: string | null | undefined, unconfirmedSends = 0): string {
  const reason = (failure && NOTICE_FAILURE_ZH[failure]) || '发送未成功。可重新发送；如仍失败，请联系系统维护人员。'
  return unconfirmedSends > 0 ? `${reason}${NOTICE_POSSIBLY_DELIVERED_ZH}` : reason
}
