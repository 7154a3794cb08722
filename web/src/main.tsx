import './index.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { setTokenSource } from './api';
import { App } from './App';
import { authStore, syncAcrossTabs } from './state/auth';

// The API's bearer tokens come from the session (the API layer does not know the stores).
setTokenSource({
  accessToken: () => authStore.getState().getAccessToken(),
  unauthorized: (refused) => authStore.getState().unauthorized(refused),
  signOut: () => authStore.getState().endSession('expired'),
});
syncAcrossTabs();
void authStore.getState().restore();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
