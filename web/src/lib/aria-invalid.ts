// An input beside a form error says so to screen readers (issue 21): Element Plus shows the error
// under its `el-form-item` (`is-error`) but leaves the input unmarked. This marks every input and
// textarea inside an item in error `aria-invalid="true"` and unmarks it once the error is gone
// (only what it marked itself: other components' own `aria-invalid` is left alone).
const FIELDS = 'input:not([type="hidden"]), textarea'
const MARK = 'data-marked-invalid'

export function syncAriaInvalid(root: ParentNode): void {
  for (const field of Array.from(root.querySelectorAll<HTMLElement>(FIELDS))) {
    const invalid = field.closest('.el-form-item.is-error') !== null
    if (invalid && field.getAttribute('aria-invalid') !== 'true') {
      field.setAttribute('aria-invalid', 'true')
      field.setAttribute(MARK, '')
    } else if (!invalid && field.hasAttribute(MARK)) {
      field.removeAttribute('aria-invalid')
      field.removeAttribute(MARK)
    }
  }
}

/** Keeps `root` in step: after any change of classes or elements, once per task. */
export function watchAriaInvalid(root: HTMLElement): void {
  let queued = false
  const observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      syncAriaInvalid(root)
    })
  })
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] })
}
