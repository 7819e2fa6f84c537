import type { ReviewRules } from '../src/api/types'

const item = (id: string, name: string, points: number) => ({ id, name, points })

/** A cycle's rules as `GET /cycles/{id}` returns them for a new cycle (award-domain
 * `ReviewRules::default`): for the tests only; the pages read a cycle's own rules. */
export const STANDARD_RULES: ReviewRules = {
  rubric: {
    standard: 'GB/T 19580-2012',
    total_points: 1000,
    categories: [
      { id: '4.1', name: '领导', points: 110, items: [item('4.1.2', '高层领导的作用', 50), item('4.1.3', '组织治理', 30), item('4.1.4', '社会责任', 30)] },
      { id: '4.2', name: '战略', points: 90, items: [item('4.2.2', '战略制定', 40), item('4.2.3', '战略部署', 50)] },
      { id: '4.3', name: '顾客与市场', points: 90, items: [item('4.3.2', '顾客和市场的了解', 40), item('4.3.3', '顾客关系与顾客满意', 50)] },
      {
        id: '4.4',
        name: '资源',
        points: 130,
        items: [item('4.4.2', '人力资源', 60), item('4.4.3', '财务资源', 15), item('4.4.4', '信息和知识资源', 20), item('4.4.5', '技术资源', 15), item('4.4.6', '基础设施', 10), item('4.4.7', '相关方关系', 10)],
      },
      { id: '4.5', name: '过程管理', points: 100, items: [item('4.5.2', '过程的识别与设计', 50), item('4.5.3', '过程的实施与改进', 50)] },
      { id: '4.6', name: '测量、分析与改进', points: 80, items: [item('4.6.2', '测量、分析和评价', 40), item('4.6.3', '改进与创新', 40)] },
      {
        id: '4.7',
        name: '结果',
        points: 400,
        items: [item('4.7.2', '产品和服务结果', 80), item('4.7.3', '顾客与市场结果', 80), item('4.7.4', '财务结果', 80), item('4.7.5', '资源结果', 60), item('4.7.6', '过程有效性结果', 50), item('4.7.7', '领导方面的结果', 50)],
      },
    ],
  },
  aggregation: 'trimmed_mean',
  disagreement: { measure: 'range', threshold_percent: 30 },
  shortlist: { min_document_score: 50_000, top_n: 6 },
  weights: { document_review: 3_000, onsite_review: 6_000, satisfaction: 1_000 },
  candidate_min_combined: 6_000,
  publicity_working_days: 5,
  document_panel_size: 5,
  onsite_panel_size: 3,
}
