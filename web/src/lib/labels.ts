// Chinese names of the API's codes, as the Measures and the notices word them.
import type {
  ApplicationState,
  AwardLevel,
  CycleStatus,
  DocumentCategory,
  DocumentStatus,
  IncidentKind,
  InspectionKind,
  NoticeStatus,
  RecommenderScope,
  RejectionGate,
  Role,
} from '../api/types'

/** shared/domain/src/form.rs `DocumentCategory::label_zh`. */
export const CATEGORY_ZH: Record<DocumentCategory, string> = {
  business_licence: '营业执照',
  management_system_certificate: '管理体系认证证书',
  self_assessment_report: '自我评价报告',
  financial_statements: '近3年财务报表',
  inspection_reports: '质量监督抽查和出口商品检验报告',
  credit_report: '信用报告',
  project_award_certificate: '省级以上优质工程表彰证书',
  review_report: '资料评审报告',
  visit_report: '现场评审报告',
  minutes: '会议纪要',
  sealed_recommendation: '盖章推荐页',
  other: '其他材料',
}

/**
 * The stages in which the recommending unit's sealed recommendation page is filed (Art. 11(3)):
 * shared/domain/src/lifecycle.rs `ApplicationState::files_sealed_recommendation` — from the
 * recommendation until the candidate list goes to the Committee.
 */
export const SEALED_PAGE_STATES: readonly ApplicationState[] = ['recommended', 'eligible', 'document_reviewed', 'shortlisted', 'onsite_reviewed', 'candidate']

/** The categories an applicant uploads, in the order of Art. 10. */
export const APPLICANT_CATEGORIES: DocumentCategory[] = [
  'business_licence',
  'management_system_certificate',
  'self_assessment_report',
  'financial_statements',
  'inspection_reports',
  'credit_report',
  'project_award_certificate',
  'other',
]

/** The stages of Art. 11, in order, as the applicant's timeline names them. */
export const STATE_ZH: Record<ApplicationState, string> = {
  draft: '填写申报表（草稿）',
  submitted: '已提交，待推荐',
  recommended: '已推荐，待资格审查',
  eligible: '资格审查合格',
  ineligible: '资格审查不合格',
  document_reviewed: '资料评审完成',
  shortlisted: '进入现场评审',
  not_shortlisted: '未进入现场评审',
  onsite_reviewed: '现场评审完成',
  candidate: '列入候选名单',
  proposed: '列入建议名单',
  in_publicity: '公示中',
  approved: '市政府批准',
  awarded: '已获奖',
  expired: '有效期届满',
  revoked: '已撤销',
  withdrawn: '已撤回',
  rejected: '未通过',
}

/** The path of a successful application (Art. 11(2)–(9), 12). */
export const STAGE_PATH: ApplicationState[] = [
  'draft',
  'submitted',
  'recommended',
  'eligible',
  'document_reviewed',
  'shortlisted',
  'onsite_reviewed',
  'candidate',
  'proposed',
  'in_publicity',
  'approved',
  'awarded',
]

/** Where a `rejected` application was turned down (Art. 11(3), (7), (8)), as its stop is named. */
export const REJECTION_GATE_ZH: Record<RejectionGate, string> = {
  recommendation: '未获推荐',
  combined_evaluation: '未列入候选名单',
  committee: '评审委员会审议未通过',
  publicity: '公示后未予通过',
}

/** A notice's delivery, as the applicant's timeline states it. */
export const NOTICE_STATUS_ZH: Record<NoticeStatus, string> = {
  pending: '待发送',
  sending: '待发送',
  sent: '已发送',
  failed: '发送失败',
}

export const CYCLE_STATUS_ZH: Record<CycleStatus, string> = {
  draft: '筹备中',
  open: '受理申报中',
  closed: '申报已截止，推荐进行中',
  reviewing: '评审中',
}

/** A cycle's status as staff read it: once the city government's executive meeting decided the
 * awards (Art. 11(9)), the cycle is over — its announcement made — whatever review status it
 * kept; before that, its status. */
export function cycleStatusZh(cycle: { status: CycleStatus; decision?: { executive_meeting?: unknown } | null }): string {
  return cycle.decision?.executive_meeting ? '评选结束，获奖名单已公告' : CYCLE_STATUS_ZH[cycle.status]
}

export const DOCUMENT_STATUS_ZH: Record<DocumentStatus, string> = {
  declared: '待上传',
  received: '已接收',
  rejected: '校验未通过',
}

export const ROLE_ZH: Record<Role, string> = {
  applicant: '申报单位',
  recommender: '推荐单位',
  office: '评审委员会办公室',
  expert: '评审专家',
  committee: '评审委员会',
  finance: '财政部门',
}

export const INSPECTION_KIND_ZH: Record<InspectionKind, string> = {
  quality_sampling: '质量监督抽查',
  export_inspection: '出口商品检验',
}

export const AWARD_LEVEL_ZH: Record<AwardLevel, string> = {
  city: '市级',
  provincial: '省级',
  national: '国家级',
}

export const INCIDENT_KIND_ZH: Record<IncidentKind, string> = {
  quality_accident: '质量事故',
  safety_accident: '安全事故',
  environmental_accident: '环境污染事故',
  public_health_accident: '公共卫生事故',
  major_complaint: '重大投诉',
  violation: '违法违规行为',
}

/** What kind of unit recommends: by county or by industry (the codes stay the Office's). */
export function scopeZh(scope: RecommenderScope): string {
  return scope.kind === 'county' ? '县（区）推荐单位' : '行业主管部门'
}
