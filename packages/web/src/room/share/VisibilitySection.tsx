import type { RoomSummary, Visibility } from '@pairwise/protocol';
import { VISIBILITY_CHOICES } from '../../lib/access';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { RoomSettingChoices } from './RoomSettingChoices';

/** Who gets in with just the room's link. Takes effect on open sockets too (the server re-checks them). */
export function VisibilitySection(props: {
  roomId: string;
  credentials: RoomCredentials;
  visibility: Visibility;
  onSummary: (summary: RoomSummary) => void;
}) {
  return (
    <RoomSettingChoices
      {...props}
      title="Who can open this room"
      testId="share-visibility"
      choices={VISIBILITY_CHOICES}
      value={props.visibility}
      changeFor={(visibility) => ({ visibility })}
      failure="Could not change who can open the room."
    />
  );
}
