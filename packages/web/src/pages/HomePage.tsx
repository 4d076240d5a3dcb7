import { useState } from 'react';
import { LANGUAGES } from '@pairwise/protocol';
import { AccountMenu } from '../account/AccountMenu';
import { useAuth } from '../app/AuthProvider';
import { Brand } from '../ui/Brand';
import { ThemeToggle } from '../ui/ThemeToggle';
import { CreateRoomCard } from './home/CreateRoomCard';
import { JoinRoomCard } from './home/JoinRoomCard';
import { MyRoomsList } from './home/MyRoomsList';
import { RecentRoomsList } from './home/RecentRoomsList';
import '../styles/home.css';
import { browserStore } from '../lib/storage';
import { forgetRoom, loadRecentRooms } from '../lib/recentRooms';
import type { RecentRoom } from '../lib/recentRooms';

export function HomePage() {
  const { user } = useAuth();
  const [recent, setRecent] = useState<RecentRoom[]>(() => loadRecentRooms(browserStore()));

  return (
    <div className="page page--home">
      <header className="topbar">
        <Brand />
        <div className="topbar__spacer" />
        <AccountMenu />
        <ThemeToggle />
      </header>
      <main className="home">
        <section className="hero">
          <h1 className="hero__title">
            Code together, <span className="hero__accent">in real time.</span>
          </h1>
          <p className="hero__lead">
            Open a room, share the link, and edit the same code with live cursors, presence and syntax highlighting for {LANGUAGES.length}{' '}
            languages. Runs on your own server.
          </p>
        </section>
        <div className="home__grid">
          <CreateRoomCard />
          <JoinRoomCard />
        </div>
        {user && <MyRoomsList userId={user.id} />}
        <RecentRoomsList rooms={recent} onForget={(id) => setRecent(forgetRoom(browserStore(), id))} />
      </main>
      <footer className="home__footer">Pairwise · open source, self-hosted collaborative editor</footer>
    </div>
  );
}
