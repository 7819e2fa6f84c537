// What the question before leaving a page with unsaved changes says (src/lib/unsaved.ts asks it):
// pure, so Vitest reads it without the dialog's component.

/** Where nothing typed is kept: leaving loses it. */
export const LEAVE_WARNING_ZH = '有尚未保存的修改，离开后将丢失。'
/** Where the page keeps a draft in this browser (the application form, the score sheet) and has
 * just kept what was typed: nothing is lost, but the server has none of it. */
export const LEAVE_WARNING_DRAFT_KEPT_ZH = '有尚未保存到服务器的修改。草稿已保存在本机浏览器，再次打开此页时可以恢复；但它既未保存到服务器，也未提交。'
export const LEAVE_TITLE_ZH = '离开此页'

/** What leaving does to what was typed, truthfully: kept as a draft on this device, or lost. */
export function leaveWarningZh(draftKept: boolean): string {
  return draftKept ? LEAVE_WARNING_DRAFT_KEPT_ZH : LEAVE_WARNING_ZH
}
