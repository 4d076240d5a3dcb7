import type { CSSProperties } from 'react';
import type { ChatMessage } from '@pairwise/protocol';
import { chatRuns, fenceLanguage } from '../lib/chatText';
import { ChatCode } from './ChatCode';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_AND_TIME = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

function shownTime(at: Date, now: Date): string {
  return at.toDateString() === now.toDateString() ? TIME.format(at) : DAY_AND_TIME.format(at);
}

/** One message: who wrote it (in their colour), when, and the text with its code highlighted in `roomLanguage` unless a fence names another. */
export function ChatMessageItem({ message, roomLanguage }: { message: ChatMessage; roomLanguage: string }) {
  const at = new Date(message.at);
  return (
    <li
      className="chat-message"
      data-testid="chat-message"
      data-seq={message.seq}
      style={{ '--user-color': message.author.color } as CSSProperties}
    >
      <div className="chat-message__meta">
        <span className="chat-message__dot" aria-hidden="true" />
        <span className="chat-message__author" data-testid="chat-author">
          {message.author.name}
        </span>
        <time className="chat-message__time" dateTime={message.at} title={FULL.format(at)}>
          {shownTime(at, new Date())}
        </time>
      </div>
      <div className="chat-message__text" data-testid="chat-text">
        {chatRuns(message.text).map((run, i) => {
          // Runs never move within a message, so their index is a stable key.
          const key = `${i}-${run.kind}`;
          if (run.kind === 'text') return <span key={key}>{run.text}</span>;
          if (run.kind === 'code') return <ChatCode key={key} code={run.text} languageId={roomLanguage} block={false} />;
          return <ChatCode key={key} code={run.text} languageId={fenceLanguage(run.language, roomLanguage)} block />;
        })}
      </div>
    </li>
  );
}
