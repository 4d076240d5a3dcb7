import { Link } from 'react-router';
import { CenteredMessage } from '../ui/CenteredMessage';

export function NotFoundPage() {
  return (
    <CenteredMessage title="Page not found" testId="page-not-found">
      <p className="centered__text">Nothing lives at this address.</p>
      <Link to="/" className="btn btn--primary">
        Go to the home page
      </Link>
    </CenteredMessage>
  );
}
