// The API's JSON shapes, written from the README and the Rust models they serialise
// (shared/app/src/model.rs, shared/app/src/stages/*, shared/domain/src/{form,eligibility,cycle,
// lifecycle,rules}.rs). Dates without a time are China dates (`YYYY-MM-DD`); instants are UTC
// (RFC 3339); money is integer fen; ids are ULIDs.

/** `YYYY-MM-DD`, a China calendar date. */
export type ChinaDate = string
/** RFC 3339 UTC instant, e.g. `2026-11-29T18:09:49.246Z`. */
export type Instant = string
/** Integer fen (1 元 = 100 fen). */
export type Fen = number
export type Ulid = string

export type Role = 'applicant' | 'recommender' | 'office' | 'expert' | 'committee' | 'finance'

/** shared/app/src/error.rs `ErrorBody`. */
export interface ErrorBody {
  code: string
  message: string
  message_zh: string
  details?: unknown
}

/** shared/domain/src/form.rs `FieldIssue`: `field` is a JSON path such as
 * `self_assessment.4.1.2.score` or `certificates.0.valid_until`. */
export interface FieldIssue {
  field: string
  code: string
  message: string
  message_zh: string
}

// --- cycles --------------------------------------------------------------------------------------

export type CycleStatus = 'draft' | 'open' | 'closed' | 'reviewing'

export interface RubricItem {
  id: string
  name: string
  points: number
}

export interface RubricCategory {
  id: string
  name: string
  points: number
  items: RubricItem[]
}

export interface Rubric {
  standard: string
  total_points: number
  categories: RubricCategory[]
}

/** The parts of `ReviewRules` the pages read. */
/** When an item's experts disagree (shared/domain/src/rules.rs `DisagreementRule`): its spread,
 * in percentage points, strictly above `threshold_percent` (equal is not a disagreement). */
export interface DisagreementRule {
  measure: 'range' | 'standard_deviation'
  threshold_percent: number
}

export interface ReviewRules {
  rubric: Rubric
  disagreement: DisagreementRule
  publicity_working_days: number
}

export type DocumentCategory =
  | 'business_licence'
  | 'management_system_certificate'
  | 'self_assessment_report'
  | 'financial_statements'
  | 'inspection_reports'
  | 'credit_report'
  | 'project_award_certificate'
  | 'review_report'
  | 'visit_report'
  | 'minutes'
  | 'other'

/** `GET /cycles/open` (stages/cycles `PublicCycle`). */
export interface PublicCycle {
  id: string
  title: string
  status: CycleStatus
  application_deadline: ChinaDate
  recommendation_deadline: ChinaDate
  quota: number
  rules: ReviewRules
  rules_approved_at: Instant | null
  opened_at: Instant | null
  required_documents: DocumentCategory[]
}

// --- the application form (shared/domain/src/form.rs) --------------------------------------------

export interface OrganisationProfile {
  name: string
  uscc: string
  registration_date: ChinaDate | null
  division_code: string
  registered_address: string
  legal_representative: string
  industry_code: string
  employee_count: number | null
  construction_enterprise: boolean | null
}

export interface ContactPerson {
  name: string
  mobile: string
  email: string
}

export interface QualityCertificate {
  standard: string
  number: string
  issuer: string
  valid_from: ChinaDate
  valid_until: ChinaDate
}

export interface ItemSelfAssessment {
  /** 0–100 in steps of 5. */
  score: number | null
  narrative: string
}

export interface QualityIndicator {
  name: string
  value: string
  unit: string
}

export interface YearIndicators {
  year: number
  revenue: Fen | null
  profit: Fen | null
  taxes: Fen | null
  quality_indicators: QualityIndicator[]
}

export type InspectionKind = 'quality_sampling' | 'export_inspection'

export interface InspectionRecord {
  date: ChinaDate
  kind: InspectionKind
  passed: boolean
}

export type AwardLevel = 'city' | 'provincial' | 'national'

export interface ProjectAward {
  name: string
  level: AwardLevel
  awarded_on: ChinaDate
}

export type CreditRecord =
  | { status: 'good' }
  | { status: 'blemished'; detail: string }
  | { status: 'not_checked' }

export type IncidentKind =
  | 'quality_accident'
  | 'safety_accident'
  | 'environmental_accident'
  | 'public_health_accident'
  | 'major_complaint'
  | 'violation'

export interface IncidentRecord {
  date: ChinaDate
  kind: IncidentKind
  description: string
}

export interface ComplianceDeclarations {
  industry_policy: boolean
  environmental: boolean
  energy: boolean
  work_safety: boolean
  quality: boolean
}

export interface ApplicationForm {
  organisation: OrganisationProfile
  contact: ContactPerson
  certificates: QualityCertificate[]
  /** By rubric item id (`"4.1.2"`). */
  self_assessment: Record<string, ItemSelfAssessment>
  key_indicators: YearIndicators[]
  inspections: InspectionRecord[]
  declares_all_inspections_passed: boolean | null
  project_awards: ProjectAward[]
  credit: CreditRecord | null
  incidents: IncidentRecord[]
  declares_no_incidents: boolean | null
  compliance: ComplianceDeclarations
  operating_normally: boolean
  integrity_pledge: boolean
}

// --- applications --------------------------------------------------------------------------------

export type ApplicationState =
  | 'draft'
  | 'submitted'
  | 'recommended'
  | 'eligible'
  | 'ineligible'
  | 'document_reviewed'
  | 'shortlisted'
  | 'not_shortlisted'
  | 'onsite_reviewed'
  | 'candidate'
  | 'proposed'
  | 'in_publicity'
  | 'approved'
  | 'awarded'
  | 'expired'
  | 'revoked'
  | 'withdrawn'
  | 'rejected'

/** The parts of the domain's `Lifecycle` the pages read. */
export interface Lifecycle {
  state: ApplicationState
  owner: string
  submitted_at: Instant | null
  recommended_by: string | null
  /** Art. 11(4): the screening's verdicts, once screened (the ineligible one's reasons). */
  screening?: { as_of: ChinaDate; verdicts: Verdict[] } | null
  /** Turned down at `gate` (a `rejected` application), with the reason given. */
  rejection: { gate: RejectionGate; reason: string; by?: string; at: Instant } | null
  publicity: { first_day: ChinaDate; last_day: ChinaDate } | null
  /** Art. 5: the award's validity, from the approval. */
  validity?: { approved_on: ChinaDate; last_valid_day: ChinaDate; may_apply_again_from: ChinaDate } | null
  /** Arts. 12–13: what was awarded. */
  award?: { certificate_number: string; reward: Fen; awarded_at: Instant } | null
  /** Arts. 17–18: the revocation and the bar that follows it (`Debarment`). */
  revocation?: { ground: RevocationGround; revoked_on: ChinaDate; last_day: ChinaDate; may_apply_again_from: ChinaDate } | null
}

export interface Recommendation {
  recommender_id: Ulid
  opinion: string
  signer_name: string
  signed_by: string
  signed_at: Instant
}

export type DocumentStatus = 'declared' | 'received' | 'rejected'

export interface ApplicationDocument {
  id: Ulid
  application_id: Ulid
  category: DocumentCategory
  file_name: string
  content_type: string
  /** Bytes. */
  size: number
  sha256: string
  status: DocumentStatus
  declared_by: string
  declared_at: Instant
  checked_at: Instant | null
  rejection_reason: string | null
}

/** `shared/app/src/model.rs` `Application`, as the API returns it. */
export interface Application {
  id: Ulid
  cycle_id: string
  uscc: string
  lifecycle: Lifecycle
  form: ApplicationForm
  recommender_id: Ulid | null
  recommendation: Recommendation | null
  created_at: Instant
  updated_at: Instant
}

/** `GET /applications/{id}`: the application, its `version` and its documents. */
export interface ApplicationView extends Application {
  version: number
  documents: ApplicationDocument[]
}

/** `POST /applications`. */
export interface NewApplication {
  organisation_name: string
  uscc: string
  registration_date: ChinaDate
  division_code: string
  contact_email: string
}

/** `PUT /applications/{id}/form`. */
export interface FormUpdate {
  version: number
  form: ApplicationForm
  recommender_id: Ulid | null
}

/** The Office's and the recommending unit's list entry (`ApplicationSummary`). */
export interface ApplicationSummary {
  id: Ulid
  cycle_id: string
  organisation_name: string
  uscc: string
  state: ApplicationState
  recommender_id: Ulid | null
  submitted_at: Instant | null
  updated_at: Instant
  /** Where a `rejected` one was turned down; absent otherwise. */
  rejected_at?: RejectionGate
}

/** The gate at which an application was turned down (Art. 11(3), (7), (8)). */
export type RejectionGate = 'recommendation' | 'combined_evaluation' | 'committee' | 'publicity'

// --- evidence ------------------------------------------------------------------------------------

/** `POST /applications/{id}/documents`. */
export interface DocumentDeclaration {
  category: DocumentCategory
  file_name: string
  content_type: string
  size: number
  /** 64 lower-case hex digits. */
  sha256: string
}

/** A presigned request: send exactly these headers (lower-case names). */
export interface Link {
  method: string
  url: string
  headers: Record<string, string>
  expires_at: Instant
}

export interface DeclaredDocument {
  document: ApplicationDocument
  upload: Link
}

export interface DocumentDownload {
  document: ApplicationDocument
  download: Link
}

// --- recommending units --------------------------------------------------------------------------

export type RecommenderScope =
  | { kind: 'county'; division_code: string }
  | { kind: 'industry'; sections: string[] }

/** `GET /recommenders` as applicants and units see it (`UnitChoice`). */
export interface UnitChoice {
  id: Ulid
  name: string
  scope: RecommenderScope
}

export interface RecommendInput {
  opinion: string
  signer_name: string
}

export interface DeclineInput {
  reason: string
}

// --- the public ----------------------------------------------------------------------------------

/** `GET /public/notices` (`BoardEntry`). */
export interface BoardEntry {
  id: Ulid
  kind: string
  cycle_id: string
  application_id: Ulid | null
  title: string
  body: string
  published_at: Instant
}

export interface PublicEntry {
  application_id: Ulid
  organisation_name: string
  uscc: string
  division_code: string
}

/** `GET /public/publicity/{cycle}`. */
export interface PublicPublicity {
  cycle_id: string
  title: string
  first_day: ChinaDate
  last_day: ChinaDate
  entries: PublicEntry[]
  how_to_object: string
  office_contact: string
}

/** An objection's supporting file (PDF, JPEG or PNG, ≤ 10 MiB). */
export interface AttachmentDeclaration {
  file_name: string
  content_type: string
  size: number
  sha256: string
}

/** `POST /public/publicity/{cycle}/objections`. */
export interface ObjectionInput {
  application_id: Ulid
  objector_name: string
  contact: string
  content: string
  attachment?: AttachmentDeclaration
}

export interface ObjectionReceipt {
  receipt: Ulid
  received_at: Instant
  upload?: Link
}

// --- the local runner ----------------------------------------------------------------------------

/** `POST /local/sign-in` (the local runner only). */
export interface LocalSignIn {
  roles: Role[]
  sub: string
  email: string
}

export interface LocalToken {
  token: string
  expires_at: Instant | null
}

/** One of the accounts a demo's data folder was played with (`GET /local/accounts`). */
export interface LocalAccount {
  role: Role
  sub: string
  email: string
  /** The person or body the account acts for (the enterprise, for an applicant). */
  name: string
}

/** `GET /local/accounts` (the local runner only): empty unless the data folder holds a demo. */
export interface LocalAccounts {
  accounts: LocalAccount[]
}

// --- the staff's pages (round 2) -----------------------------------------------------------------
// Scores are integer hundredths ("Centi"): 690 points is 69000, a combined 74.4 of 100 is 7440.

/** Hundredths of a point (or of a percent for the survey and the combined score). */
export type Centi = number

/** `GET /cycles/{id}` and each of `GET /cycles` (`CycleView`: the record and its version). */
export interface CycleView {
  id: string
  title: string
  application_deadline: ChinaDate
  recommendation_deadline: ChinaDate
  quota: number
  status: CycleStatus
  rules: ReviewRules
  rules_approval: { by: string; at: Instant } | null
  rules_frozen_at: Instant | null
  created_at: Instant
  created_by: string
  opened_at: Instant | null
  decision: CycleDecision
  version: number
}

export interface CandidateDecision {
  application_id: Ulid
  include: boolean
  votes_for: number
  votes_against: number
  abstentions: number
  reason: string | null
}

export interface CycleDecision {
  deliberation?: {
    meeting_date: ChinaDate
    minutes_reference: string
    minutes_attachment_id: Ulid
    decisions: CandidateDecision[]
    recorded_by: string
    recorded_at: Instant
  } | null
  consultation?: { date: ChinaDate; opinions: string; note: string; recorded_at: Instant } | null
  publicity?: { first_day: ChinaDate; last_day: ChinaDate; working_days: number; started_at: Instant } | null
  executive_meeting?: { date: ChinaDate; session: string; minutes_reference: string; recorded_at: Instant } | null
}

// --- eligibility screening (shared/domain/src/eligibility.rs) ------------------------------------

export type Condition =
  | 'registration'
  | 'operating_years'
  | 'compliance'
  | 'quality_system'
  | 'self_assessment'
  | 'key_indicators'
  | 'inspections'
  | 'construction_award'
  | 'credit'
  | 'incidents'
  | 'uscc_check_character'
  | 'not_debarred'
  | 'no_valid_award'
  | 'recommendation'
export type Outcome = 'pass' | 'fail' | 'needs_review'
export type Overall = 'eligible' | 'ineligible' | 'needs_review'

export interface Verdict {
  condition: Condition
  outcome: Outcome
  reason: string
  reason_zh: string
  article: string
  /** The article in Chinese (`第十条第四项`); "" on records screened before it was added, and
   * absent from older runners: then `article` (src/lib/articles.ts). */
  article_zh?: string
  /** The Office's settlement of a "needs review" verdict (the outcome above is then its own). */
  settled: { reason: string; by: string; at: Instant } | null
}

/** `GET /applications/{id}/screening`. */
export interface ScreeningView {
  application_id: Ulid
  state: ApplicationState
  screening: { as_of: ChinaDate; verdicts: Verdict[] } | null
  overall: Overall | null
  needs_review: Condition[]
  screened_at: Instant | null
  screened_by: string | null
  version: number
}

/** `POST /applications/{id}/screening/settlements`. */
export interface SettlementInput {
  condition: Condition
  outcome: Outcome
  reason: string
}

/** The Office's list entry carries the screening's summary once screened. */
export interface OfficeApplicationSummary extends ApplicationSummary {
  screening?: { overall: Overall; failed: Condition[]; needs_review: Condition[] }
}

// --- the expert pool and the draw (shared/domain/src/review.rs, app model.rs) ---------------------

export type Sector = 'government' | 'association' | 'media' | 'university' | 'research_institute' | 'enterprise'

export interface Employment {
  employer: string
  uscc: string
  from: ChinaDate
  until: ChinaDate | null
}

export interface ExpertProfile {
  name: string
  sector: Sector
  employer: string
  employer_uscc: string
  history: Employment[]
  /** GB/T 4754 sections, one letter each. */
  specialities: string[]
  email: string
  relations: { uscc: string; reason: string }[]
}

export type ExpertStatus = 'active' | 'suspended' | 'disqualified'

/** `GET /experts` entries, `POST /experts`: the profile and the status flattened in. */
export interface Expert extends ExpertProfile {
  id: Ulid
  account: string
  status: ExpertStatus
  reason?: string
  created_at: Instant
  updated_at: Instant
}

export type ReviewPhase = 'document' | 'onsite'
export type AssignmentStatus = 'assigned' | 'accepted' | 'submitted' | 'withdrawn'

/** `POST /cycles/{id}/assignments`. */
export interface DrawReport {
  phase: ReviewPhase
  seed: number
  load_bound: number
  speciality_matches: number
  /** Application id → expert ids. */
  panels: Record<string, string[]>
}

/** `GET /cycles/{id}/assignments?phase=` entries. */
export interface ExpertProgress {
  expert_id: Ulid
  name: string
  assigned: number
  accepted: number
  submitted: number
  withdrawn: number
  applications: Ulid[]
}

export interface Assignment {
  application_id: Ulid
  cycle_id: string
  phase: ReviewPhase
  expert_id: Ulid
  expert_account: string
  organisation_name: string
  leader: boolean
  status: AssignmentStatus
  assigned_at: Instant
  declaration: { conflict: boolean; reason: string | null; pledge: boolean; at: Instant } | null
  /** Rubric item id → percent of its points (0–100, steps of 5). */
  items: Record<string, number>
  /** Category id (`"4.1"`) → comment. */
  comments: Record<string, string>
  submitted_at: Instant | null
  excluded: boolean
  withdrawn_reason: string | null
}

/** `GET /reviews` entries. */
export interface MyAssignment {
  application_id: Ulid
  cycle_id: string
  phase: ReviewPhase
  organisation_name: string
  leader: boolean
  status: AssignmentStatus
  submitted_at: Instant | null
}

/** `GET /reviews/{id}/{phase}`: the rubric once the pledge is given; the round when disputed. */
export interface MyReview {
  assignment: Assignment
  version: number
  rubric: Rubric | null
  consensus_round: { items: string[]; percents: Record<string, number[]> } | null
}

/** `PUT /reviews/{id}/{phase}/sheet`. */
export interface SheetInput {
  version: number
  items: Record<string, number>
  comments: Record<string, string>
}

// --- the panel's result (shared/domain/src/scoring.rs, app stages/reviews) -------------------

export interface ItemResult {
  item: string
  points: number
  score: Centi
  source: 'independent' | 'consensus'
  min: Centi
  max: Centi
  disagreement: boolean
}

export interface PhaseReview {
  result: { experts: number; items: ItemResult[]; total: Centi; needs_consensus: string[] } | null
  consensus: Record<string, { percent: number; note: string; by: string; at: Instant }>
  aggregated_at: Instant | null
  consensus_requested_at: Instant | null
  visit: { date: ChinaDate; notes: string; recorded_at: Instant } | null
  survey: { score: Centi; respondents: number; method: string; recorded_at: Instant } | null
}

export interface SheetView {
  expert_id: Ulid
  expert_name: string
  leader: boolean
  status: AssignmentStatus
  counts: boolean
  items: Record<string, number>
  comments: Record<string, string>
  submitted_at: Instant | null
}

/** Hundredths of a point, over the counted submitted sheets. */
export interface ItemStats {
  item: string
  points: number
  sheets: number
  mean: Centi | null
  median: Centi | null
  min: Centi | null
  max: Centi | null
  spread: Centi | null
}

/** `GET /applications/{id}/reviews/{phase}`. */
export interface PhaseView {
  application_id: Ulid
  phase: ReviewPhase
  state: ApplicationState
  review: PhaseReview
  sheets: SheetView[]
  item_stats: ItemStats[]
}

export type AggregateOutcome =
  | { outcome: 'waiting'; submitted: number; counted: number }
  | { outcome: 'unchanged' }
  | { outcome: 'recorded'; total: Centi; needs_consensus: string[]; waiting_for: string[] }
  | { outcome: 'completed'; total: Centi }

export interface RankedTotal {
  application_id: string
  organisation_name: string
  total: Centi
}

/** `GET /cycles/{id}/shortlist`. */
export interface ShortlistProposal {
  cycle_id: string
  shortlisted: RankedTotal[]
  not_shortlisted: RankedTotal[]
}

export interface RankingLine {
  application: string
  position: number
  combined: Centi
  meets_bar: boolean
  tie_broken_by: string | null
  organisation_name: string
  document_review: Centi
  onsite_review: Centi
  satisfaction: Centi
  candidate: boolean
}

/** `GET /cycles/{id}/ranking`. */
export interface Ranking {
  cycle_id: string
  quota: number
  lines: RankingLine[]
  candidates: string[]
}

// --- decision, publicity, award (stages/decision) ------------------------------------------

export type ObjectionStatus = 'open' | 'upheld' | 'dismissed'

export interface Objection {
  id: Ulid
  cycle_id: string
  application_id: Ulid
  organisation_name: string
  objector_name: string
  contact: string
  content: string
  attachment_id: Ulid | null
  status: ObjectionStatus
  received_at: Instant
  reply: string | null
  decided_by: string | null
  decided_at: Instant | null
}

export interface Attachment {
  id: Ulid
  file_name: string
  content_type: string
  size: number
  sha256: string
  status: DocumentStatus
  rejection_reason: string | null
}

export interface DeclaredAttachment {
  attachment: Attachment
  upload: Link
}

export interface PublicWinner {
  organisation_name: string
  uscc: string
  division_code: string
  certificate_number: string
  approved_on: ChinaDate
  last_valid_day: ChinaDate
  status: ApplicationState
}

/** `GET /public/awards/{cycle}`. */
export interface PublicAwards {
  cycle_id: string
  title: string
  decision_reference: string
  decided_on: ChinaDate
  winners: PublicWinner[]
}

/** `GET /rewards` entries. */
export interface RewardLine {
  application_id: Ulid
  cycle_id: string
  organisation_name: string
  uscc: string
  certificate_number: string
  reward_fen: Fen
  approved_on: ChinaDate | null
  paid_on: ChinaDate | null
  voucher: string | null
  handed_over_on: ChinaDate | null
  /** The award revoked (Arts. 17, 18) on this date, if it was. */
  revoked_on?: ChinaDate | null
  /** Art. 17: the reward paid has still to come back. */
  reward_to_reclaim?: boolean
  /** The date the reward came back after a revocation for fraud. */
  returned_on?: ChinaDate | null
}

// --- the register and aftercare (stages/aftercare) -----------------------------------------

export interface PublicAward {
  organisation_name: string
  uscc: string
  cycle_id: string
  approved_on: ChinaDate
  last_valid_day: ChinaDate
  /** `valid`, `expired`, `revoked`. */
  status: string
  revoked_under: string | null
  revoked_on: ChinaDate | null
}

export interface PublicDebarment {
  organisation_name: string
  uscc: string
  article: string
  revoked_on: ChinaDate
  until: ChinaDate
  may_apply_again_from: ChinaDate
}

/** `GET /public/register`. */
export interface PublicRegister {
  as_of: ChinaDate
  awards: PublicAward[]
  debarments: PublicDebarment[]
}

export type Art18Cause =
  | 'serious_accident'
  | 'serious_quality_problem'
  | 'failed_sampling_inspection'
  | 'serious_operating_losses'
  | 'other_serious_violation'

export type CaseStatus = 'open' | 'revocation_proposed' | 'revoked' | 'closed'

/** Why an award is revoked: Art. 17 (fraud) or Art. 18 (a cause within its validity). */
export type RevocationGround = { ground: 'fraud' } | { ground: 'cause'; cause: Art18Cause; occurred_on: ChinaDate }

export interface RevocationCase {
  id: Ulid
  application_id: Ulid
  cycle_id: string
  uscc: string
  organisation_name: string
  ground: RevocationGround
  facts: string
  evidence: Ulid[]
  status: CaseStatus
  opened_by: string
  opened_at: Instant
  decision: { date: ChinaDate; minutes_reference: string; revoke: boolean; reason: string | null } | null
  approval: { date: ChinaDate; reference: string } | null
  closing_reason: string | null
  reclaim: {
    plaque_returned_on: ChinaDate | null
    certificate_returned_on: ChinaDate | null
    reward: { amount_fen: Fen; received_on: ChinaDate; receipt: string } | null
  }
}

// --- the outbox ----------------------------------------------------------------------------------

export type NoticeStatus = 'pending' | 'sending' | 'sent' | 'failed'

/** One notice about an application (`GET /applications/{id}/notices`): the applicant reads those
 * addressed to it (audience `applicant`), the Office every one. */
export interface ApplicationNotice {
  id: Ulid
  kind: string
  subject: string
  recipient: string
  audience: string
  status: NoticeStatus
  created_at: Instant
  sent_at: Instant | null
}

/** `GET /applications/{id}/notices`: oldest first. */
export interface ApplicationNotices {
  notices: ApplicationNotice[]
}

/** `GET /notices?status=failed` entries. */
export interface FailedNotice {
  id: Ulid
  status: NoticeStatus
  recipient: string
  audience: unknown
  kind: string
  application_id: Ulid | null
  due: ChinaDate
  created_at: Instant
  attempts: number
  /** For the maintainers; the Office reads `failure`. */
  last_error: string | null
  /** Why the outbox gave it up (`NoticeFailure`). */
  failure: 'refused' | 'misconfigured' | 'unavailable' | 'overdue' | null
  /** Sends whose outcome was never confirmed: the recipient may hold a copy. */
  unconfirmed_sends: number
}

/** `GET /attachments/{id}/download`. */
export interface AttachmentDownloadLink {
  attachment: Attachment
  download: Link
}
