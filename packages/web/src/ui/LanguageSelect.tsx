import { LANGUAGES, isLanguageId } from '@pairwise/protocol';
import type { LanguageId } from '@pairwise/protocol';

export function LanguageSelect({
  value,
  onChange,
  name,
  id,
  ariaLabel,
  className = 'select',
}: {
  value: LanguageId;
  onChange: (language: LanguageId) => void;
  name?: string;
  id?: string;
  ariaLabel?: string;
  className?: string;
}) {
  return (
    <select
      className={className}
      name={name}
      id={id}
      aria-label={ariaLabel}
      value={value}
      onChange={(e) => {
        if (isLanguageId(e.target.value)) onChange(e.target.value);
      }}
    >
      {LANGUAGES.map((l) => (
        <option key={l.id} value={l.id}>
          {l.label}
        </option>
      ))}
    </select>
  );
}
