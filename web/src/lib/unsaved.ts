// Unsaved changes warn before leaving a page (issue 21, "Safeguards"): following a link inside the
// pages asks first (the router's leave and update guards), and closing or reloading the tab gets
// the browser's own question (`beforeunload`). Every page with a form a person types into uses it
// with what it counts as unsaved.
import { onBeforeUnmount, onMounted } from 'vue'
import { onBeforeRouteLeave, onBeforeRouteUpdate } from 'vue-router'
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { LEAVE_TITLE_ZH, LEAVE_WARNING_ZH, leaveWarningZh } from './leave-words'

export { LEAVE_TITLE_ZH, LEAVE_WARNING_DRAFT_KEPT_ZH, LEAVE_WARNING_ZH, leaveWarningZh } from './leave-words'

/** Resolves true when the person chooses to leave; `message` says what becomes of what they typed. */
export async function confirmLeave(message: string = LEAVE_WARNING_ZH): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, LEAVE_TITLE_ZH, {
      confirmButtonText: '离开',
      cancelButtonText: '留在此页',
      type: 'warning',
      closeOnClickModal: false,
      autofocus: false,
    })
    return true
  } catch {
    return false
  }
}

/** Asks before leaving while `isDirty()`: in the router (to another page, or the same page for
 * another record) and on closing or reloading the tab. Call from a page's `setup`. A page that
 * keeps a draft in this browser passes `keepDraft`: called first (it keeps what is typed now,
 * not after its usual pause), it says whether the draft holds it, and the question says so. */
export function useUnsavedGuard(isDirty: () => boolean, keepDraft?: () => boolean): void {
  const ask = async () => (isDirty() ? confirmLeave(leaveWarningZh(keepDraft?.() ?? false)) : true)
  onBeforeRouteLeave(ask)
  onBeforeRouteUpdate(ask)
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!isDirty()) return
    keepDraft?.()
    event.preventDefault()
    // Older browsers ask only when this is set; the words are the browser's own.
    event.returnValue = ''
  }
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload))
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload))
}

