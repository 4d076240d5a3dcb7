import { LANGUAGES, isLanguageId } from '@pairwise/protocol';
import type { LanguageId } from '@pairwise/protocol';

export function LanguageSelect({
  value,
  onChange,
  name,
  id,
  ariaLabel,
  className = 'select',
  disabled = false,
  title,
}: {
  value: LanguageId;
  onChange: (language: LanguageId) => void;
  name?: string;
  id?: string;
  ariaLabel?: string;
  className?: string;
  disabled?: boolean;
  title?: string;
}) {
  return (
    <select
      className={className}
      name={name}
      id={id}
      aria-label={ariaLabel}
      disabled={disabled}
      title={title}
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
