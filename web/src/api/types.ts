// The API's JSON shapes, written from the README and the Rust models they serialise
// (shared/app/src/model.rs, shared/app/src/usecases/*, shared/domain/src/{form,eligibility,cycle,
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
export interface ReviewRules {
  rubric: Rubric
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

/** `GET /cycles/open` (usecases/cycles.rs `PublicCycle`). */
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
  rejection: { reason: string; at: Instant } | null
  publicity: { first_day: ChinaDate; last_day: ChinaDate } | null
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
}

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
