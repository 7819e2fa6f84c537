// Hash history: the pages live at `/` beside the API, whose paths (`/cycles`, `/applications`…)
// must never be taken for a page. The public pages are one small chunk; each role's pages are
// loaded only when that role opens them.
import type { Component } from 'vue'
import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import type { Role } from './api/types'
import { authReady, hasRole } from './auth/session'
import HomePage from './pages/public/HomePage.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** The role a page needs; none for the public pages. */
    role?: Role
    title?: string
  }
}

type Page = () => Promise<Component>

function office(pages: [string, Page, string][]): RouteRecordRaw[] {
  return pages.map(([path, component, title]) => ({ path, component, meta: { role: 'office', title } }))
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', component: HomePage, meta: { title: '申报通知' } },
    { path: '/notices', component: () => import('./pages/public/NoticesPage.vue'), meta: { title: '公告栏' } },
    {
      path: '/publicity/:cycle?',
      component: () => import('./pages/public/PublicityPage.vue'),
      meta: { title: '公示与异议' },
    },
    { path: '/register', component: () => import('./pages/public/RegisterPage.vue'), meta: { title: '获奖名录' } },
    // An award's certificate to print (issue 22), from the public announcement.
    {
      path: '/awards/:cycle/certificate/:uscc',
      component: () => import('./pages/public/CertificatePage.vue'),
      meta: { title: '荣誉证书' },
    },
    { path: '/awards/:cycle?', component: () => import('./pages/public/AwardsPage.vue'), meta: { title: '获奖公告' } },
    // The link emailed to a new contact address (shared/app/src/pages.rs): no sign-in, the token is the proof.
    {
      path: '/email-confirmations/:token',
      component: () => import('./pages/public/EmailConfirmationPage.vue'),
      meta: { title: '确认电子邮箱' },
    },
    { path: '/sign-in', component: () => import('./pages/SignInPage.vue'), meta: { title: '登录' } },
    {
      path: '/applicant',
      component: () => import('./pages/applicant/MyApplicationsPage.vue'),
      meta: { role: 'applicant', title: '我的申报' },
    },
    {
      path: '/applicant/applications/:id',
      component: () => import('./pages/applicant/ApplicationPage.vue'),
      meta: { role: 'applicant', title: '申报表' },
    },
    // The application form read-only, for every reader the API answers (the page says a refusal).
    {
      path: '/applications/:id/form',
      component: () => import('./pages/shared/FormViewPage.vue'),
      meta: { title: '申报表' },
    },
    {
      path: '/recommender',
      component: () => import('./pages/recommender/InboxPage.vue'),
      meta: { role: 'recommender', title: '待推荐申报' },
    },
    {
      path: '/recommender/applications/:id',
      component: () => import('./pages/recommender/RecommendPage.vue'),
      meta: { role: 'recommender', title: '签署推荐意见' },
    },
    // The Office's pages (one chunk per page, none in the public entry).
    ...office([
      ['/office-experts', () => import('./pages/office/ExpertsPage.vue'), '专家库'],
      ['/office-register', () => import('./pages/office/RegisterPage.vue'), '获奖与禁止名录'],
      ['/office-notices', () => import('./pages/office/NoticesPage.vue'), '发送失败的通知'],
      ['/office-cycle-new', () => import('./pages/office/CycleNewPage.vue'), '创建评选周期'],
      ['/office-recommenders', () => import('./pages/office/RecommendersPage.vue'), '推荐单位'],
      ['/office-register-import', () => import('./pages/office/RegisterImportPage.vue'), '导入获奖与禁止名录'],
      ['/office-calendar', () => import('./pages/office/CalendarPage.vue'), '节假日安排'],
      ['/office-aftercare', () => import('./pages/office/AftercarePage.vue'), '获奖后管理与撤销'],
      ['/office-contact', () => import('./pages/office/ContactPage.vue'), '联系方式'],
      ['/office-review/:id/:phase(document|onsite)', () => import('./pages/office/ApplicationReviewPage.vue'), '评分统计'],
      ['/office/:cycle?', () => import('./pages/office/DashboardPage.vue'), '评选概览'],
      ['/office/:cycle/setup', () => import('./pages/office/CycleSetupPage.vue'), '周期设置'],
      ['/office/:cycle/screening', () => import('./pages/office/ScreeningPage.vue'), '资格审查'],
      ['/office/:cycle/assignments', () => import('./pages/office/AssignmentsPage.vue'), '专家抽取'],
      ['/office/:cycle/reviews', () => import('./pages/office/ReviewsPage.vue'), '评审与入围'],
      ['/office/:cycle/ranking', () => import('./pages/office/RankingPage.vue'), '综合排名'],
      ['/office/:cycle/decision', () => import('./pages/office/DecisionPage.vue'), '公示与批准'],
    ]),
    { path: '/expert', component: () => import('./pages/expert/AssignmentsPage.vue'), meta: { role: 'expert', title: '我的评审任务' } },
    {
      path: '/expert/reviews/:id/:phase(document|onsite)',
      component: () => import('./pages/expert/ReviewPage.vue'),
      meta: { role: 'expert', title: '评分' },
    },
    { path: '/committee', component: () => import('./pages/committee/CommitteePage.vue'), meta: { role: 'committee', title: '评审委员会审议' } },
    { path: '/committee/rules', component: () => import('./pages/committee/RulesPage.vue'), meta: { role: 'committee', title: '审定评审细则' } },
    { path: '/committee/cases', component: () => import('./pages/committee/CasesPage.vue'), meta: { role: 'committee', title: '撤销案件' } },
    { path: '/finance', component: () => import('./pages/finance/RewardsPage.vue'), meta: { role: 'finance', title: '奖励资金' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to: RouteLocationNormalized) => {
  // The first page waits for `/config.json` and any return from the hosted UI.
  await authReady()
  const role = to.meta.role
  if (role && !hasRole(role)) {
    return { path: '/sign-in', query: { role, redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title ? `${to.meta.title} - ` : ''}武威市人民政府质量奖`
})
