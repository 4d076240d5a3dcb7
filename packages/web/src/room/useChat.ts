import { useCallback, useEffect, useRef, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { CHAT_TEXT_MAX, type ChatMessage, MESSAGE_CHAT } from '@pairwise/protocol';
import { useApi } from '../app/api';
import { mergeChat, readChatMessage } from '../lib/chatLog';
import type { RoomCredentials } from '../lib/roomCredentials';
import { apiErrorMessage } from './share/useApiAction';

export interface RoomChat {
  /** Oldest first. */
  messages: ChatMessage[];
  hasOlder: boolean;
  loading: boolean;
  loadError: string | null;
  loadOlder: () => void;
  /** Resolves true once the server stored the message. */
  send: (text: string) => Promise<boolean>;
  /** Some message is on its way. */
  sending: boolean;
  sendError: string | null;
  /** Messages that arrived while the panel was closed. */
  unread: number;
}

/**
 * The room's chat: the newest page when the room opens (and again after each resync, for what was
 * said while the socket was down), older pages on request, and new messages as the server pushes
 * them (MESSAGE_CHAT; the connection sent the Pairwise hello). Counts unread messages while `open` is false.
 */
export function useChat(
  roomId: string,
  provider: WebsocketProvider | undefined,
  synced: boolean,
  credentials: RoomCredentials,
  open: boolean,
): RoomChat {
  const api = useApi();
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** Posts on their way. */
  const [sending, setSending] = useState(0);
  const [sendError, setSendError] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const openRef = useRef(open);
  openRef.current = open;
  const firstPageLoaded = useRef(false);
  const syncedBefore = useRef(false);
  const [resyncs, setResyncs] = useState(0);

  useEffect(() => {
    if (open) setUnread(0);
  }, [open]);

  useEffect(() => {
    if (!provider) return;
    provider.messageHandlers[MESSAGE_CHAT] = (_reply, decoder) => {
      const message = readChatMessage(decoder);
      if (message === null) return;
      // The server pushes each message once per connection; while the panel is closed nobody here posts.
      if (!openRef.current) setUnread((n) => n + 1);
      setMessages((known) => mergeChat(known, [message]));
    };
    return () => {
      // y-websocket logs an error for a type without a handler: the server may still send one before the socket closes.
      provider.messageHandlers[MESSAGE_CHAT] = () => {};
    };
  }, [provider]);

  useEffect(() => {
    if (!synced) return;
    if (syncedBefore.current) setResyncs((n) => n + 1);
    syncedBefore.current = true;
  }, [synced]);

  // The newest page on opening and after each resync; it overlaps what is shown, merged by seq.
  // biome-ignore lint/correctness/useExhaustiveDependencies(resyncs): the trigger, not an input.
  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    api
      .listChat(roomId, null, { credentials, signal: abort.signal })
      .then((page) => {
        setMessages((known) => mergeChat(known, page.messages));
        if (!firstPageLoaded.current) setNextBefore(page.nextBefore);
        firstPageLoaded.current = true;
        setLoadError(null);
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setLoadError(apiErrorMessage(err, 'Could not load the chat.'));
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [api, roomId, credentials, resyncs]);

  const loadOlder = useCallback(() => {
    if (nextBefore === null || loading) return;
    setLoading(true);
    api
      .listChat(roomId, nextBefore, { credentials })
      .then((page) => {
        setMessages((known) => mergeChat(known, page.messages));
        setNextBefore(page.nextBefore);
        setLoadError(null);
      })
      .catch((err: unknown) => setLoadError(apiErrorMessage(err, 'Could not load older messages.')))
      .finally(() => setLoading(false));
  }, [api, roomId, credentials, nextBefore, loading]);

  // One post at a time, in the order they were sent, so the chat shows them in the order they were written.
  const posting = useRef<Promise<unknown>>(Promise.resolve());
  const send = useCallback(
    (text: string): Promise<boolean> => {
      const trimmed = text.trim();
      if (trimmed.length === 0) return Promise.resolve(false);
      if (trimmed.length > CHAT_TEXT_MAX) {
        setSendError(`Messages can be at most ${CHAT_TEXT_MAX} characters; this one has ${trimmed.length}.`);
        return Promise.resolve(false);
      }
      setSending((n) => n + 1);
      setSendError(null);
      const sent = posting.current
        .then(() => api.postChat(roomId, trimmed, { credentials }))
        .then(
          (message) => {
            setMessages((known) => mergeChat(known, [message]));
            return true;
          },
          (err: unknown) => {
            setSendError(apiErrorMessage(err, 'The message was not sent. Try again.'));
            return false;
          },
        )
        .finally(() => setSending((n) => n - 1));
      posting.current = sent;
      return sent;
    },
    [api, roomId, credentials],
  );

  return { messages, hasOlder: nextBefore !== null, loading, loadError, loadOlder, send, sending: sending > 0, sendError, unread };
}
