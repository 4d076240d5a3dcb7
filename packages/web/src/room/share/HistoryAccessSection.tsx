import type { HistoryAccess, RoomSummary } from '@pairwise/protocol';
import { HISTORY_ACCESS_CHOICES } from '../../lib/access';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { RoomSettingChoices } from './RoomSettingChoices';

/** Who may see versions and replay the typing: the owner's setting, enforced by the server. */
export function HistoryAccessSection(props: {
  roomId: string;
  credentials: RoomCredentials;
  historyAccess: HistoryAccess;
  onSummary: (summary: RoomSummary) => void;
}) {
  return (
    <RoomSettingChoices
      {...props}
      title="Who can replay history"
      testId="share-history-access"
      choices={HISTORY_ACCESS_CHOICES}
      value={props.historyAccess}
      changeFor={(historyAccess) => ({ historyAccess })}
      failure="Could not change who can replay the history."
    />
  );
}
