import { describe, expect, it } from 'vitest'
import { checkRulesForm, contactErrorField, rulesBody, rulesForm, rulesLapseZh, toHundredths, weightsSumPercent } from '../src/lib/setup'
import { STANDARD_RULES } from './rules-fixture'

describe('the review rules form', () => {
  it('reads the rules in points and percentages and gives them back unchanged', () => {
    const form = rulesForm(STANDARD_RULES)
    expect(form).toMatchObject({
      aggregation: 'trimmed_mean',
      measure: 'range',
      threshold_percent: 30,
      use_min_score: true,
      min_document_score: 500,
      use_top_n: true,
      top_n: 6,
      weight_document: 30,
      weight_onsite: 60,
      weight_satisfaction: 10,
      candidate_min_combined: 60,
      publicity_working_days: 5,
      document_panel_size: 5,
      onsite_panel_size: 3,
    })
    expect(rulesBody(form, STANDARD_RULES.rubric)).toEqual(STANDARD_RULES)
    expect(checkRulesForm(form, 1000)).toEqual({})
  })

  it('sends hundredths and basis points for what is typed, the rubric untouched', () => {
    const form = { ...rulesForm(STANDARD_RULES), weight_document: 25.5, weight_onsite: 64.5, min_document_score: 512.35, candidate_min_combined: 62.5, use_top_n: false, publicity_working_days: 7, document_panel_size: 7 }
    const body = rulesBody(form, STANDARD_RULES.rubric)
    expect(body.weights).toEqual({ document_review: 2_550, onsite_review: 6_450, satisfaction: 1_000 })
    expect(body.shortlist).toEqual({ min_document_score: 51_235, top_n: null })
    expect(body.candidate_min_combined).toBe(6_250)
    expect(body.publicity_working_days).toBe(7)
    expect(body.document_panel_size).toBe(7)
    expect(body.rubric).toBe(STANDARD_RULES.rubric)
    // Floating point never leaves a weight one basis point short.
    expect(toHundredths(0.29)).toBe(29)
    expect(toHundredths(33.33) + toHundredths(33.33) + toHundredths(33.34)).toBe(10_000)
  })

  it('a shortlist without a minimum is read as one without, and a minimum offered at half marks', () => {
    const form = rulesForm({ ...STANDARD_RULES, shortlist: { min_document_score: null, top_n: 4 } })
    expect(form.use_min_score).toBe(false)
    expect(form.min_document_score).toBe(500)
    expect(rulesBody(form, STANDARD_RULES.rubric).shortlist).toEqual({ min_document_score: null, top_n: 4 })
  })

  it('says each value out of range beside its field', () => {
    const base = rulesForm(STANDARD_RULES)
    expect(checkRulesForm({ ...base, weight_onsite: 55 }, 1000)).toEqual({ weights: '三项权重合计应为 100%，现为 95%。' })
    expect(weightsSumPercent({ weight_document: 33.33, weight_onsite: 33.33, weight_satisfaction: 33.34 })).toBe(100)
    expect(checkRulesForm({ ...base, weight_document: 30.001 }, 1000)).toHaveProperty('weight_document')
    expect(checkRulesForm({ ...base, publicity_working_days: 4 }, 1000)).toEqual({ publicity_working_days: '公示期不少于 5 个工作日（办法第十一条第八项）。' })
    expect(checkRulesForm({ ...base, document_panel_size: 16, onsite_panel_size: 0 }, 1000)).toEqual({ document_panel_size: '专家组人数应为 1 至 15 人。', onsite_panel_size: '专家组人数应为 1 至 15 人。' })
    expect(checkRulesForm({ ...base, use_min_score: false, use_top_n: false }, 1000)).toHaveProperty('shortlist')
    expect(checkRulesForm({ ...base, min_document_score: 1000.5 }, 1000)).toHaveProperty('min_document_score')
    expect(checkRulesForm({ ...base, threshold_percent: 101 }, 1000)).toHaveProperty('threshold_percent')
    expect(checkRulesForm({ ...base, candidate_min_combined: 100.01 }, 1000)).toHaveProperty('candidate_min_combined')
  })

  it('says that a change makes the approval lapse, and what waits for the new one', () => {
    expect(rulesLapseZh('draft', true)).toContain('评审委员会此前的审定随即失效，须经评审委员会重新审定后方可开放申报')
    expect(rulesLapseZh('open', true)).toContain('重新审定后方可开始评分')
    expect(rulesLapseZh('draft', false)).not.toContain('失效')
  })
})

describe('the Office contact form', () => {
  it('puts each refusal beside its field', () => {
    expect(contactErrorField('invalid_phone')).toBe('phone')
    expect(contactErrorField('invalid_email')).toBe('mailbox')
    expect(contactErrorField('invalid_characters', ['postal_address'])).toBe('postal_address')
    expect(contactErrorField('invalid_characters', ['phone'])).toBe('phone')
    expect(contactErrorField('forbidden')).toBeNull()
  })
})
