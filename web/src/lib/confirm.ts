// One confirmation before a step its author cannot take back (issue 21, "Safeguards"): it names the
// step, says what cannot be undone, and offers "再想想" as the safe way out. Esc and the close button
// count as "再想想"; a click beside the box does nothing; nothing is sent unless the person confirms.
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'

/** Resolves `true` when the person confirms `action` (the button's words, e.g. "确认提交"),
 * `false` when they step back. `title` names the step; `consequence` says what cannot be undone. */
export async function confirmIrreversible(title: string, consequence: string, action: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(consequence, title, {
      confirmButtonText: action,
      cancelButtonText: '再想想',
      type: 'warning',
      closeOnClickModal: false,
      // Not the confirming button: the focus stays on the box, so an Enter pressed before reading
      // it does not take the step.
      autofocus: false,
    })
    return true
  } catch {
    return false
  }
}
