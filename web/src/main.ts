import { createApp } from 'vue'
import './theme.css'
import './styles/print.css'
import App from './App.vue'
import { authReady } from './auth/session'
import { watchAriaInvalid } from './lib/aria-invalid'
import { router } from './router'

createApp(App).use(router).mount('#app')
// Inputs beside a form's error carry aria-invalid="true".
watchAriaInvalid(document.body)
// Back from the hosted UI: on to the page the sign-in started from.
void authReady().then((redirect) => (redirect ? router.replace(redirect) : undefined))
