import { type FormEvent, type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { CHAT_TEXT_MAX } from '@pairwise/protocol';
import { ChatIcon, ChevronDownIcon, SendIcon } from '../ui/icons';
import { ChatMessageItem } from './ChatMessageItem';
import type { RoomChat } from './useChat';

/** Within this many pixels of the bottom, new messages keep the log scrolled to the end. */
const STICKY_BOTTOM_PX = 48;
/** This close to the top, scrolling up loads the older page. */
const LOAD_OLDER_PX = 24;
/** The character count shows from here on. */
const COUNT_FROM = CHAT_TEXT_MAX - 200;

/**
 * The chat beside the editor: collapsible (with an unread count while collapsed), newest at the
 * bottom, older pages on scrolling up or "Load older", Enter sends and Shift+Enter starts a new line.
 */
export function ChatPanel({
  chat,
  open,
  onToggle,
  roomLanguage,
}: {
  chat: RoomChat;
  open: boolean;
  onToggle: () => void;
  /** Monaco id that inline code and untagged blocks are highlighted in. */
  roomLanguage: string;
}) {
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const shown = useRef({ firstSeq: 0, scrollHeight: 0, scrollTop: 0 });
  const { messages, hasOlder, loading, loadOlder } = chat;

  // Older messages went in above: keep what the reader was looking at in place. New ones below: follow them if at the end.
  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    const firstSeq = messages[0]?.seq ?? 0;
    const before = shown.current;
    if (before.firstSeq !== 0 && firstSeq < before.firstSeq) log.scrollTop = before.scrollTop + (log.scrollHeight - before.scrollHeight);
    else if (stickToBottom.current) log.scrollTop = log.scrollHeight;
    shown.current = { firstSeq, scrollHeight: log.scrollHeight, scrollTop: log.scrollTop };
  }, [messages]);

  useEffect(() => {
    if (!open) return;
    stickToBottom.current = true;
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [open]);

  const onScroll = () => {
    const log = logRef.current;
    if (!log) return;
    stickToBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < STICKY_BOTTOM_PX;
    shown.current = { ...shown.current, scrollHeight: log.scrollHeight, scrollTop: log.scrollTop };
    if (log.scrollTop < LOAD_OLDER_PX && hasOlder && !loading) loadOlder();
  };

  // The input clears at once, so the next message can be typed while this one is on its way; a
  // refused one comes back into the input unless something new was typed meanwhile.
  const submit = async () => {
    const text = draft;
    if (text.trim().length === 0) return;
    stickToBottom.current = true;
    setDraft('');
    if (!(await chat.send(text))) setDraft((current) => (current === '' ? text : current));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an input method composes a character belongs to the composition.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    void submit();
  };

  const length = draft.trim().length;
  return (
    <section className="chat" data-open={open} data-testid="chat" aria-label="Chat">
      <button
        type="button"
        className="chat__header"
        aria-expanded={open}
        aria-controls="chat-body"
        aria-label={!open && chat.unread > 0 ? `Chat, ${chat.unread} unread` : 'Chat'}
        onClick={onToggle}
      >
        <ChatIcon />
        <span className="chat__title">Chat</span>
        {!open && chat.unread > 0 && (
          <span className="chat__unread" data-testid="chat-unread">
            {chat.unread > 99 ? '99+' : chat.unread}
          </span>
        )}
        <ChevronDownIcon className="chat__chevron" />
      </button>
      {open && (
        <div id="chat-body" className="chat__body">
          <div className="chat__log" ref={logRef} onScroll={onScroll} role="log" aria-label="Messages" data-testid="chat-log">
            {hasOlder && (
              <button type="button" className="btn btn--ghost chat__older" onClick={loadOlder} disabled={loading}>
                {loading ? 'Loading…' : 'Load older messages'}
              </button>
            )}
            {messages.length === 0 && !loading && !chat.loadError && (
              <p className="chat__empty">No messages yet. Put code in `backticks` to highlight it.</p>
            )}
            <ol className="chat__list">
              {messages.map((message) => (
                <ChatMessageItem key={message.seq} message={message} roomLanguage={roomLanguage} />
              ))}
            </ol>
          </div>
          {chat.loadError && (
            <p className="chat__error" role="alert">
              {chat.loadError}
            </p>
          )}
          <form className="chat__compose" onSubmit={onSubmit} aria-busy={chat.sending}>
            <textarea
              className="input chat__input"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={onKeyDown}
              placeholder="Message the room…"
              aria-label="Chat message"
              aria-invalid={length > CHAT_TEXT_MAX}
              rows={2}
              data-testid="chat-input"
            />
            <button type="submit" className="btn btn--primary btn--icon chat__send" aria-label="Send" disabled={length === 0}>
              <SendIcon />
            </button>
          </form>
          <div className="chat__footer">
            {chat.sendError ? (
              <p className="chat__error" role="alert" data-testid="chat-error">
                {chat.sendError}
              </p>
            ) : (
              <p className="chat__hint">Enter to send · Shift+Enter for a new line</p>
            )}
            {length >= COUNT_FROM && (
              <span className="chat__count" data-over={length > CHAT_TEXT_MAX}>
                {length}/{CHAT_TEXT_MAX}
              </span>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
