import type { RoomSummary } from '@pairwise/protocol';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { RoomSettingChoices, type SettingChoice } from './RoomSettingChoices';

type RunCodeChoice = 'on' | 'off';

const RUN_CODE_CHOICES: readonly SettingChoice<RunCodeChoice>[] = [
  { value: 'on', label: 'Editors can run the code', hint: 'It runs on the computer of whoever clicks Run; everyone sees the output.' },
  { value: 'off', label: 'Nobody runs the code', hint: 'The Run button is off for everyone in this room.' },
];

/** The owner's per-room running switch (`runCode`), enforced by the server. */
export function RunCodeSection(props: {
  roomId: string;
  credentials: RoomCredentials;
  runCode: boolean;
  onSummary: (summary: RoomSummary) => void;
}) {
  return (
    <RoomSettingChoices
      {...props}
      title="Running code"
      testId="share-run-code"
      choices={RUN_CODE_CHOICES}
      value={props.runCode ? 'on' : 'off'}
      changeFor={(choice) => ({ runCode: choice === 'on' })}
      failure="Could not change whether the code can be run."
    />
  );
}
