// One action dialog serves every button on the page: ActionButtons calls openAction, and the
// shell mounts the dialog once (a dialog per table row would slow long lists down).
import { shallowRef } from 'vue'

export const actionDialog = shallowRef(null)

export function openAction(action, ticket, done) {
  if (actionDialog.value) actionDialog.value.start(action, ticket, done)
}
