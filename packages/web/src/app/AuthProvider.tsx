import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { CredentialsBody, PublicUser } from '@pairwise/protocol';
import { AuthDialog } from '../account/AuthDialog';
import type { AuthMode } from '../account/authForm';
import { useApi } from './api';

export interface AuthValue {
  /** `loading` until `GET /api/me` has answered once. */
  status: 'loading' | 'ready';
  /** The signed-in account, or null for a guest. */
  user: PublicUser | null;
  /**
   * Changes on every sign-in, sign-up and sign-out in this tab, even back to the same account:
   * what the server lets this tab do may have changed, so pages that depend on it load again.
   * Not on `refresh`: learning that the session ended elsewhere must not silently reload a page.
   */
  sessionKey: string;
  /** True while this tab's own sign-out is under way: the server then closes our sockets (4401) on purpose. */
  isSigningOut(): boolean;
  /** Both throw the API's error, for the form to show. */
  signIn(body: CredentialsBody): Promise<void>;
  signUp(body: CredentialsBody): Promise<void>;
  signOut(): Promise<void>;
  /** Asks the server again, e.g. after it closed a socket because the session ended elsewhere. */
  refresh(): Promise<void>;
  openAuthDialog(mode: AuthMode): void;
}

const AuthContext = createContext<AuthValue | null>(null);

/**
 * Who is signed in. The session itself is the server's httpOnly cookie: the app never sees or
 * stores the token, it only asks the server who the cookie belongs to.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [status, setStatus] = useState<AuthValue['status']>('loading');
  const [user, setUser] = useState<PublicUser | null>(null);
  const [dialog, setDialog] = useState<AuthMode | null>(null);
  const [generation, setGeneration] = useState(0);
  const signingOut = useRef(false);

  const refresh = useCallback(async () => {
    try {
      setUser((await api.me()).user);
    } catch {
      // Unreachable server or an old one without accounts: carry on as a guest; the server decides anyway.
      setUser(null);
    }
    setStatus('ready');
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signedIn = useCallback((next: PublicUser | null) => {
    setUser(next);
    setGeneration((n) => n + 1);
  }, []);
  const signIn = useCallback(async (body: CredentialsBody) => signedIn((await api.login(body)).user), [api, signedIn]);
  const signUp = useCallback(async (body: CredentialsBody) => signedIn((await api.register(body)).user), [api, signedIn]);
  const signOut = useCallback(async () => {
    signingOut.current = true;
    try {
      // Throws when the server cannot be told; the cookie is then still valid, so we stay signed in.
      await api.logout();
      signedIn(null);
    } finally {
      signingOut.current = false;
    }
  }, [api, signedIn]);
  const isSigningOut = useCallback(() => signingOut.current, []);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      user,
      sessionKey: `session-${generation}`,
      isSigningOut,
      signIn,
      signUp,
      signOut,
      refresh,
      openAuthDialog: setDialog,
    }),
    [status, user, generation, isSigningOut, signIn, signUp, signOut, refresh],
  );

  return (
    <AuthContext.Provider value={value}>
      {children}
      {dialog && <AuthDialog initialMode={dialog} signIn={signIn} signUp={signUp} onClose={() => setDialog(null)} />}
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
