// Chinese names of the codes only the staff's pages show (kept out of the public entry chunk,
// which loads `labels.ts`).
import type {
  Art18Cause,
  AssignmentStatus,
  CaseStatus,
  Condition,
  ExpertStatus,
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
