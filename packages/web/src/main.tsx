// First, before any module can parse with zod.
import './lib/zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Before App, so page-specific stylesheets imported by the pages come later and win ties.
import './styles/base.css';
import './styles/controls.css';
import './styles/overlays.css';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
