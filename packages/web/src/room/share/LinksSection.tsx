import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { CreateLinkBody, CreatedShareLink, ShareLinkInfo } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import { LINK_LIFETIMES, ROLE_LABELS, linkExpiryText, linkState, shareLinkUrl } from '../../lib/access';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { roomPath } from '../../lib/roomLink';
import { CopyLinkButton } from '../CopyLinkButton';
import { apiErrorMessage, useApiAction } from './useApiAction';

type LinkRole = CreateLinkBody['role'];

function LinkRow({ link, now, onRevoke }: { link: ShareLinkInfo; now: number; onRevoke: (id: string) => Promise<boolean> }) {
  const [busy, setBusy] = useState(false);
  const state = linkState(link, now);
  return (
    <li className="share-row" data-state={state} data-testid="share-link-row">
      <span className="role-chip" data-role={link.role}>
        {ROLE_LABELS[link.role]}
      </span>
      <span className="share-row__main">{linkExpiryText(link, now)}</span>
      {state === 'active' && (
        <button
          type="button"
          className="btn btn--ghost share-row__action"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void onRevoke(link.id).finally(() => setBusy(false));
          }}
        >
          Revoke
        </button>
      )}
    </li>
  );
}

/**
 * Share links: each grants a role to whoever opens it, until it expires or is revoked. The token
 * is only ever shown right after creating it (the server keeps a hash), so the new link is shown here once.
 */
export function LinksSection({ roomId, credentials }: { roomId: string; credentials: RoomCredentials }) {
  const api = useApi();
  const [links, setLinks] = useState<ShareLinkInfo[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [role, setRole] = useState<LinkRole>('viewer');
  const [lifetime, setLifetime] = useState(2);
  const [created, setCreated] = useState<CreatedShareLink | null>(null);
  const create = useApiAction('Could not create the link.');
  const revoke = useApiAction('Could not revoke the link.');
  // Expiry is described relative to when the dialog opened; it does not need to tick.
  const [now] = useState(() => Date.now());

  const reload = useCallback(async () => {
    try {
      setLinks(await api.listLinks(roomId, { credentials }));
      setListError(null);
    } catch (err) {
      setListError(apiErrorMessage(err, 'Could not load the links.'));
    }
  }, [api, roomId, credentials]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const seconds = LINK_LIFETIMES[lifetime]?.seconds ?? null;
    const body: CreateLinkBody = seconds === null ? { role } : { role, expiresInSeconds: seconds };
    await create.run(async () => {
      setCreated(await api.createLink(roomId, body, { credentials }));
      await reload();
    });
  };

  const onRevoke = (linkId: string) =>
    revoke.run(async () => {
      await api.revokeLink(roomId, linkId, { credentials });
      if (created?.id === linkId) setCreated(null);
      await reload();
    });

  const createdUrl = created ? shareLinkUrl(window.location.origin, roomPath(roomId), created.token) : null;
  const active = links?.filter((l) => linkState(l, now) === 'active') ?? [];
  const inactive = links?.filter((l) => linkState(l, now) !== 'active') ?? [];

  return (
    <section className="share-section" data-testid="share-links">
      <h3 className="share-section__title">Share links</h3>
      <form className="share-form" onSubmit={submit}>
        <select
          className="select select--compact"
          aria-label="Link role"
          value={role}
          onChange={(e) => setRole(e.target.value === 'editor' ? 'editor' : 'viewer')}
        >
          <option value="viewer">Can view</option>
          <option value="editor">Can edit</option>
        </select>
        <select
          className="select select--compact"
          aria-label="Link lifetime"
          value={lifetime}
          onChange={(e) => setLifetime(Number(e.target.value))}
        >
          {LINK_LIFETIMES.map((choice, index) => (
            <option key={choice.label} value={index}>
              {choice.seconds === null ? choice.label : `Expires in ${choice.label}`}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn--secondary" disabled={create.busy} data-testid="create-link">
          {create.busy ? 'Creating…' : 'Create link'}
        </button>
      </form>
      {created && createdUrl && (
        <div className="share-created" data-testid="created-link">
          <p className="share-created__note">New {created.role === 'viewer' ? 'view' : 'edit'} link. Copy it now: it is not shown again.</p>
          <div className="share-created__row">
            <input
              className="input share-created__url"
              readOnly
              value={createdUrl}
              aria-label="New share link"
              onFocus={(e) => e.target.select()}
            />
            <CopyLinkButton url={createdUrl} label="Copy" title="Copy the new link" testId="copy-created-link" />
          </div>
        </div>
      )}
      {(create.error ?? revoke.error ?? listError) && (
        <p className="form-error" role="alert">
          {create.error ?? revoke.error ?? listError}
        </p>
      )}
      {links !== null && links.length === 0 && <p className="share-section__empty">No links yet.</p>}
      {links !== null && links.length > 0 && (
        <ul className="share-list">
          {[...active, ...inactive].map((link) => (
            <LinkRow key={link.id} link={link} now={now} onRevoke={onRevoke} />
          ))}
        </ul>
      )}
    </section>
  );
}
