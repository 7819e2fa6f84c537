// Unsaved changes warn before leaving a page (issue 21, "Safeguards"): following a link inside the
// pages asks first (the router's leave and update guards), and closing or reloading the tab gets
// the browser's own question (`beforeunload`). Every page with a form a person types into uses it
// with what it counts as unsaved.
import { onBeforeUnmount, onMounted } from 'vue'
import { onBeforeRouteLeave, onBeforeRouteUpdate } from 'vue-router'
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'

export const LEAVE_WARNING_ZH = '有尚未保存的修改，离开后将丢失。'
export const LEAVE_TITLE_ZH = '离开此页'

/** Resolves true when the person chooses to leave, losing what they typed. */
export async function confirmLeave(): Promise<boolean> {
  try {
    await ElMessageBox.confirm(LEAVE_WARNING_ZH, LEAVE_TITLE_ZH, {
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
 * another record) and on closing or reloading the tab. Call from a page's `setup`. */
export function useUnsavedGuard(isDirty: () => boolean): void {
  const ask = async () => (isDirty() ? confirmLeave() : true)
  onBeforeRouteLeave(ask)
  onBeforeRouteUpdate(ask)
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!isDirty()) return
    event.preventDefault()
    // Older browsers ask only when this is set; the words are the browser's own.
    event.returnValue = ''
  }
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload))
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload))
}

