import { createApp } from 'vue'
import './theme.css'
import App from './App.vue'
import { authReady } from './auth/session'
import { router } from './router'

createApp(App).use(router).mount('#app')
// Back from the hosted UI: on to the page the sign-in started from.
void authReady().then((redirect) => (redirect ? router.replace(redirect) : undefined))
