import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { PASSWORD_MIN } from '@pairwise/protocol';
import type { CredentialsBody } from '@pairwise/protocol';
import { authErrorMessage, checkAuthForm } from './authForm';
import type { AuthMode } from './authForm';
import { useEscapeKey } from '../ui/useEscapeKey';

const COPY: Record<AuthMode, { title: string; submit: string; busy: string; text: string }> = {
  'sign-in': {
    title: 'Sign in',
    submit: 'Sign in',
    busy: 'Signing in…',
    text: 'Your rooms, and the rooms shared with you, are listed on the home page.',
  },
  'sign-up': {
    title: 'Create an account',
    submit: 'Create account',
    busy: 'Creating…',
    text: 'Rooms you create are yours: decide who may edit and who may only watch. Your username is your name in rooms.',
  },
};

/** Sign in or sign up in one modal; the tabs switch between them and keep what was typed. */
export function AuthDialog({
  initialMode,
  signIn,
  signUp,
  onClose,
}: {
  initialMode: AuthMode;
  signIn: (body: CredentialsBody) => Promise<void>;
  signUp: (body: CredentialsBody) => Promise<void>;
  onClose: () => void;
}) {
  const [mode, setMode] = useState<AuthMode>(initialMode);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ field: 'username' | 'password' | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const usernameRef = useRef<HTMLInputElement>(null);
  const copy = COPY[mode];

  useEffect(() => usernameRef.current?.focus(), []);

  useEscapeKey(onClose);

  const switchMode = (next: AuthMode) => {
    setMode(next);
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = checkAuthForm(mode, username, password);
    if (!checked.ok) {
      setError({ field: checked.field, message: checked.message });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await (mode === 'sign-in' ? signIn : signUp)(checked.body);
      onClose();
    } catch (err) {
      setError({ field: null, message: authErrorMessage(err, mode) });
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onSubmit={submit}
        noValidate
        data-testid="auth-dialog"
        data-mode={mode}
      >
        <div className="segmented">
          {(['sign-in', 'sign-up'] as const).map((m) => (
            <button
              key={m}
              type="button"
              className="segmented__option"
              aria-pressed={mode === m}
              onClick={() => switchMode(m)}
              data-testid={`auth-tab-${m}`}
            >
              {m === 'sign-in' ? 'Sign in' : 'Sign up'}
            </button>
          ))}
        </div>
        <h2 id={`${id}-title`} className="modal__title">
          {copy.title}
        </h2>
        <p className="modal__text">{copy.text}</p>
        <label className="field">
          <span className="field__label">Username</span>
          <input
            ref={usernameRef}
            className="input"
            name="username"
            value={username}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            aria-invalid={error?.field === 'username'}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">Password</span>
          <input
            className="input"
            type="password"
            name="password"
            value={password}
            autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
            aria-invalid={error?.field === 'password'}
            onChange={(e) => setPassword(e.target.value)}
          />
          {mode === 'sign-up' && <span className="field__hint">At least {PASSWORD_MIN} characters.</span>}
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="auth-error">
            {error.message}
          </p>
        )}
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="auth-submit">
            {busy ? copy.busy : copy.submit}
          </button>
        </div>
      </form>
    </div>
  );
}
