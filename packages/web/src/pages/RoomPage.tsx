import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useParams } from 'react-router';
import { ROOM_ID_PATTERN } from '@pairwise/protocol';
import { useAuth } from '../app/AuthProvider';
import { useIdentity } from '../app/useIdentity';
import { closeKind } from '../lib/connectionStatus';
import { forgetRoom } from '../lib/recentRooms';
import { forgetRoomCredentials, rememberLinkFromUrl, roomCredentials } from '../lib/roomCredentials';
import { browserStore } from '../lib/storage';
import { RoomView, preloadEditor } from '../room/RoomView';
import { CenteredMessage } from '../ui/CenteredMessage';
import { NamePrompt } from '../ui/NamePrompt';
import { ClosedRoomScreen, LoadErrorScreen, MissingRoomScreen } from './room/RoomScreens';
import { useRoleNotice } from './room/useRoleNotice';
import { useAccessPolling, useRoomDetails } from './room/useRoomDetails';

export function RoomPage() {
  const { roomId = '' } = useParams();
  const { search } = useLocation();
  const validId = ROOM_ID_PATTERN.test(roomId);
  const auth = useAuth();
  const { identity, setName } = useIdentity();
  const [editingName, setEditingName] = useState(false);
  const credentials = useMemo(() => roomCredentials(browserStore(), roomId, search), [roomId, search]);
  const { load, retry, refresh, applySummary, close } = useRoomDetails(roomId, credentials, {
    enabled: validId && auth.status === 'ready',
    reloadKey: auth.sessionKey,
  });

  useEffect(() => {
    if (validId) preloadEditor();
  }, [validId]);

  useEffect(() => rememberLinkFromUrl(browserStore(), roomId, search), [roomId, search]);

  // Gone for good: it should not linger in the recent list, nor its keys in storage.
  const gone = load.kind === 'missing' || (load.kind === 'closed' && load.reason === 'deleted');
  useEffect(() => {
    if (!gone) return;
    forgetRoom(browserStore(), roomId);
    forgetRoomCredentials(browserStore(), roomId);
  }, [gone, roomId]);

  useAccessPolling(refresh, load.kind === 'ready');
  const roleNotice = useRoleNotice(load.kind === 'ready' ? load.details.role : null);

  const { isSigningOut } = auth;
  const onClosed = useCallback(
    (code: number, wasOpen: boolean) => {
      const kind = closeKind(code);
      if (kind === 'drop' || kind === 'storage-down' || kind === 'rate-limited' || kind === 'role-changed') return;
      // Signing out in this tab ends its sockets on purpose; the page reloads as a guest right after.
      if (kind === 'signed-out' && isSigningOut()) return;
      close(kind, wasOpen);
    },
    [close, isSigningOut],
  );
  const onEditName = useCallback(() => setEditingName(true), []);

  if (!validId) return <MissingRoomScreen roomId={roomId} invalid />;
  switch (load.kind) {
    case 'loading':
      return <CenteredMessage title="Opening room…" busy testId="room-loading" />;
    case 'missing':
    case 'unavailable':
    case 'invalid':
      return <MissingRoomScreen roomId={roomId} invalid={load.kind === 'invalid'} />;
    case 'error':
      return <LoadErrorScreen message={load.message} onRetry={retry} />;
    case 'closed':
      return <ClosedRoomScreen reason={load.reason} roomId={roomId} onReopen={retry} />;
    case 'ready':
      break;
  }

  const { details } = load;
  const account = auth.user;
  if (!account && identity.name === null) {
    return (
      <>
        <CenteredMessage title={`Joining ${details.name}`} />
        <NamePrompt color={identity.color} roomName={details.name} onSubmit={setName} />
      </>
    );
  }
  // The server names a signed-in user by their username whatever the client says; show the same here.
  const user = account ? { name: account.username, color: account.color } : { name: identity.name ?? '', color: identity.color };

  return (
    <>
      <RoomView
        // A new socket and document when who we are or what we may do changes: a viewer's tab must not
        // keep edits the server never took.
        key={`${details.id}|${auth.sessionKey}|${details.role === 'viewer'}`}
        details={details}
        user={user}
        guestName={account ? null : user.name}
        credentials={credentials}
        onClosed={onClosed}
        onCheckAccess={refresh}
        onSummary={applySummary}
        onEditName={account ? null : onEditName}
        roleNotice={roleNotice.changedTo && { role: roleNotice.changedTo, onDismiss: roleNotice.dismiss }}
      />
      {editingName && !account && (
        <NamePrompt
          title="Change your name"
          initialName={identity.name ?? ''}
          color={identity.color}
          onSubmit={(name) => {
            setName(name);
            setEditingName(false);
          }}
          onCancel={() => setEditingName(false)}
        />
      )}
    </>
  );
}
