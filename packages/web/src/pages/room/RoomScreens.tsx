import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../app/AuthProvider';
import type { FinalClose } from '../../lib/connectionStatus';
import { CenteredMessage } from '../../ui/CenteredMessage';

function HomeLink({ primary = false }: { primary?: boolean }) {
  return (
    <Link to="/" className={`btn ${primary ? 'btn--primary' : 'btn--ghost'}`}>
      Go to the home page
    </Link>
  );
}

/** "Sign in" for a guest, since an account may be what is missing; nothing for someone signed in. */
function SignInButton({ label = 'Sign in' }: { label?: string }) {
  const { user, openAuthDialog } = useAuth();
  if (user) return null;
  return (
    <button type="button" className="btn btn--primary" onClick={() => openAuthDialog('sign-in')}>
      {label}
    </button>
  );
}

function Screen({ title, testId, text, children }: { title: string; testId: string; text: ReactNode; children: ReactNode }) {
  return (
    <CenteredMessage title={title} testId={testId}>
      <p className="centered__text">{text}</p>
      <div className="centered__actions">{children}</div>
    </CenteredMessage>
  );
}

export function MissingRoomScreen({ roomId, invalid }: { roomId: string; invalid: boolean }) {
  const { user } = useAuth();
  if (invalid) {
    return (
      <Screen
        title="Room not found"
        testId="room-not-found"
        text={
          <>
            <code>{roomId}</code> is not a valid room id. Check the link you were given.
          </>
        }
      >
        <HomeLink primary />
      </Screen>
    );
  }
  return (
    <Screen
      title="Room not found"
      testId="room-not-found"
      text={
        <>
          There is no room <code>{roomId}</code> on this server that you can open. It may have been deleted, the link is mistyped, or the
          room is private{user ? ' and not shared with you' : ': sign in if it was shared with your account'}.
        </>
      }
    >
      <HomeLink primary={user !== null} />
      <SignInButton />
    </Screen>
  );
}

export function LoadErrorScreen({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Screen title="Could not open the room" testId="room-error" text={message}>
      <button type="button" className="btn btn--primary" onClick={onRetry}>
        Try again
      </button>
      <Link to="/" className="btn btn--ghost">
        Home
      </Link>
    </Screen>
  );
}

/** The session ended elsewhere (4401): asks the server who we are now, so the header and the buttons agree. */
function SignedOutScreen({ onReopen }: { onReopen: () => void }) {
  const { refresh } = useAuth();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <Screen
      title="You were signed out"
      testId="room-signed-out"
      text="Your session ended: you signed out in another tab, or it expired. Sign in again to carry on, or continue as a guest."
    >
      <SignInButton label="Sign in again" />
      <button type="button" className="btn btn--ghost" onClick={onReopen}>
        Continue as a guest
      </button>
    </Screen>
  );
}

/** What to show once the server has closed an open room for good. */
export function ClosedRoomScreen({ reason, roomId, onReopen }: { reason: FinalClose; roomId: string; onReopen: () => void }) {
  const reopen = (label: string, primary = true) => (
    <button type="button" className={`btn ${primary ? 'btn--primary' : 'btn--ghost'}`} onClick={onReopen}>
      {label}
    </button>
  );
  switch (reason) {
    case 'deleted':
      return (
        <Screen
          title="This room was deleted"
          testId="room-deleted"
          text={
            <>
              Someone deleted the room <code>{roomId}</code> while you had it open. Its code is no longer on the server, and this tab has
              stopped syncing.
            </>
          }
        >
          <HomeLink primary />
        </Screen>
      );
    case 'invalid':
      return <MissingRoomScreen roomId={roomId} invalid />;
    case 'no-access':
      return (
        <Screen
          title="You no longer have access"
          testId="room-no-access"
          text="The owner changed who may open this room, or the link you used was revoked or has expired. This tab has stopped syncing."
        >
          <HomeLink />
          <SignInButton />
        </Screen>
      );
    case 'signed-out':
      return <SignedOutScreen onReopen={onReopen} />;
    case 'full':
      return (
        <Screen
          title="This room is full"
          testId="room-full"
          text="The room reached the largest size this server keeps, so your last change was not saved. Reopen it to see the room as stored."
        >
          {reopen('Reopen the room')}
          <HomeLink />
        </Screen>
      );
    case 'refused':
      return (
        <Screen
          title="The server closed this room"
          testId="room-refused"
          text="This tab has stopped syncing. Reopen the room to try again."
        >
          {reopen('Reopen the room')}
          <HomeLink />
        </Screen>
      );
  }
}
