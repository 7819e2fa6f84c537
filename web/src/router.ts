// Hash history: the pages live at `/` beside the API, whose paths (`/cycles`, `/applications`…)
// must never be taken for a page. The public pages are one small chunk; each role's pages are
// loaded only when that role opens them.
import { createRouter, createWebHashHistory, type RouteLocationNormalized } from 'vue-router'
import type { Role } from './api/types'
import { hasRole } from './auth/session'
import HomePage from './pages/public/HomePage.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** The role a page needs; none for the public pages. */
    role?: Role
    title?: string
  }
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
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to: RouteLocationNormalized) => {
  const role = to.meta.role
  if (role && !hasRole(role)) {
    return { path: '/sign-in', query: { role, redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title ? `${to.meta.title} - ` : ''}武威市人民政府质量奖`
})
