import { useId, useRef, useState } from 'react';
import { useAuth } from '../app/AuthProvider';
import { placeUnder } from '../ui/anchorPopover';
import { UserIcon } from '../ui/icons';

/**
 * The header's account control: "Sign in" for a guest, the username with a small menu (sign out)
 * for an account. Nothing shows until the server has said which, so it never flickers.
 */
export function AccountMenu() {
  const { status, user, signOut, openAuthDialog } = useAuth();
  const menuId = `account-${useId().replace(/[^\w-]/g, '')}`;
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  if (status === 'loading') return null;
  if (!user) {
    return (
      <button type="button" className="btn btn--secondary" onClick={() => openAuthDialog('sign-in')} data-testid="sign-in">
        <UserIcon />
        Sign in
      </button>
    );
  }

  const onSignOut = async () => {
    setError(null);
    try {
      await signOut();
      menuRef.current?.hidePopover();
    } catch {
      setError('Could not reach the server to sign out. Try again.');
    }
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn--ghost account-button"
        popoverTarget={menuId}
        aria-haspopup="menu"
        data-testid="account-menu"
        title={`Signed in as ${user.username}`}
      >
        <span className="avatar avatar--xs account-button__avatar" aria-hidden="true">
          {user.username.slice(0, 1).toUpperCase()}
        </span>
        <span className="account-button__name">{user.username}</span>
      </button>
      <div
        ref={menuRef}
        id={menuId}
        popover="auto"
        className="menu-panel"
        role="menu"
        aria-label="Account"
        onBeforeToggle={(e) => placeUnder(e, buttonRef.current)}
      >
        <p className="menu-panel__heading">
          Signed in as <strong data-testid="signed-in-username">{user.username}</strong>
        </p>
        <button type="button" role="menuitem" className="menu-panel__item" onClick={() => void onSignOut()} data-testid="sign-out">
          Sign out
        </button>
        {error && (
          <p className="form-error menu-panel__error" role="alert">
            {error}
          </p>
        )}
      </div>
    </>
  );
}
