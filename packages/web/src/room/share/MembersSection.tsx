import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ROOM_ROLES, roomRoleSchema, usernameSchema } from '@pairwise/protocol';
import type { MemberInfo, RoomRole } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { ROLE_LABELS } from '../../lib/access';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { CloseIcon } from '../../ui/icons';
import { apiErrorMessage, useApiAction } from './useApiAction';

function RoleSelect({
  value,
  onChange,
  label,
  small = false,
}: {
  value: RoomRole;
  onChange: (role: RoomRole) => void;
  label: string;
  small?: boolean;
}) {
  return (
    <select
      className={`select select--compact${small ? ' select--small' : ''}`}
      aria-label={label}
      value={value}
      onChange={(e) => {
        const role = roomRoleSchema.safeParse(e.target.value);
        if (role.success) onChange(role.data);
      }}
    >
      {ROOM_ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </select>
  );
}

/** Accounts with a role in the room: add by username, change the role, remove. */
export function MembersSection({ roomId, credentials }: { roomId: string; credentials: RoomCredentials }) {
  const api = useApi();
  const [members, setMembers] = useState<MemberInfo[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<RoomRole>('editor');
  const action = useApiAction('Could not change the members.');

  const reload = useCallback(async () => {
    try {
      setMembers(await api.listMembers(roomId, { credentials }));
      setListError(null);
    } catch (err) {
      setListError(apiErrorMessage(err, 'Could not load the members.'));
    }
  }, [api, roomId, credentials]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const change = (name: string, next: RoomRole | null) =>
    action.run(async () => {
      if (next === null) await api.removeMember(roomId, name, { credentials });
      else await api.setMember(roomId, name, next, { credentials });
      await reload();
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = usernameSchema.safeParse(username);
    if (!name.success) return;
    if (await change(name.data, role)) setUsername('');
  };

  const error = action.error ?? listError;
  return (
    <section className="share-section" data-testid="share-members">
      <h3 className="share-section__title">Members</h3>
      <form className="share-form" onSubmit={submit}>
        <input
          className="input share-form__grow"
          aria-label="Username to add"
          placeholder="Username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <RoleSelect value={role} onChange={setRole} label="Role for the new member" />
        <button type="submit" className="btn btn--secondary" disabled={action.busy || !usernameSchema.safeParse(username).success}>
          Add
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {members !== null && members.length === 0 && (
        <p className="share-section__empty">No members yet. Members sign in with their account and keep their role on any link.</p>
      )}
      {members !== null && members.length > 0 && (
        <ul className="share-list">
          {members.map((member) => (
            <li key={member.username} className="share-row" data-testid="member-row" data-username={member.username}>
              <span className="share-row__main share-row__name">{member.username}</span>
              <RoleSelect
                value={member.role}
                onChange={(next) => void change(member.username, next)}
                label={`Role of ${member.username}`}
              />
              <button
                type="button"
                className="btn btn--ghost btn--icon"
                aria-label={`Remove ${member.username}`}
                title="Remove from the room"
                disabled={action.busy}
                onClick={() => void change(member.username, null)}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
