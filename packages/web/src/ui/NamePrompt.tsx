import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { NAME_MAX, normalizeName } from '../lib/identity';
import { useEscapeKey } from './useEscapeKey';

/** Asks a guest what to call them. Modal: the room is not joined until there is a name. */
export function NamePrompt({
  initialName = '',
  color,
  title = 'What should we call you?',
  roomName,
  onSubmit,
  onCancel,
}: {
  initialName?: string;
  color: string;
  title?: string;
  /** Shown as "You are joining …" for a first-time guest. */
  roomName?: string;
  onSubmit: (name: string) => void;
  onCancel?: () => void;
}) {
  const [value, setValue] = useState(initialName);
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const name = normalizeName(value);

  useEffect(() => inputRef.current?.focus(), []);

  useEscapeKey(onCancel);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name !== null) onSubmit(name);
  };

  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${inputId}-title`}
        onSubmit={submit}
        data-testid="name-prompt"
      >
        <h2 id={`${inputId}-title`} className="modal__title">
          {title}
        </h2>
        {roomName && (
          <p className="modal__context">
            You are joining <strong>{roomName}</strong>
          </p>
        )}
        <p className="modal__text">Your name and colour are shown next to your cursor. They are remembered in this browser.</p>
        <label htmlFor={inputId} className="field__label">
          Your name
        </label>
        <div className="name-input">
          <span className="avatar avatar--sm" style={{ background: color }} aria-hidden="true" />
          <input
            id={inputId}
            ref={inputRef}
            className="input"
            value={value}
            maxLength={NAME_MAX}
            autoComplete="nickname"
            placeholder="e.g. Ada"
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
        <div className="modal__actions">
          {onCancel && (
            <button type="button" className="btn btn--ghost" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="submit" className="btn btn--primary" disabled={name === null}>
            {onCancel ? 'Save' : 'Join room'}
          </button>
        </div>
      </form>
    </div>
  );
}
