import { Link } from 'react-router';

export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <Link to="/" className="brand" aria-label="Pairwise home">
      <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="var(--accent)" />
        <path d="M9 11l-4 5 4 5M23 11l4 5-4 5" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
        <circle cx="13" cy="16" r="2.4" fill="#fff" />
        <circle cx="19" cy="16" r="2.4" fill="#ffd166" />
      </svg>
      {!compact && <span className="brand__name">Pairwise</span>}
    </Link>
  );
}
