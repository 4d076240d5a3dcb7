import type { ReactNode } from 'react';
import { AccountMenu } from '../account/AccountMenu';
import { Brand } from './Brand';
import { ThemeToggle } from './ThemeToggle';

/** A full-page state (loading, not found, error) with the app chrome, never a bare spinner. */
export function CenteredMessage({
  title,
  children,
  busy = false,
  testId,
}: {
  title: string;
  children?: ReactNode;
  busy?: boolean;
  testId?: string;
}) {
  return (
    <div className="page">
      <header className="topbar">
        <Brand />
        <div className="topbar__spacer" />
        <AccountMenu />
        <ThemeToggle />
      </header>
      <main className="centered" data-testid={testId} aria-busy={busy}>
        <div className="centered__card">
          {busy && <div className="spinner" aria-hidden="true" />}
          <h1 className="centered__title">{title}</h1>
          {children}
        </div>
      </main>
    </div>
  );
}
