/**
 * Pairwise's own WebSocket messages, beside the y-websocket ones (0, 1, 3; y-protocols keeps 2 for
 * auth). A stock y-websocket client never sends the hello, so it never receives any of the others:
 * the server sends them only to connections that opted in.
 *
 * Every frame starts with its type as a varUint, like the y-websocket messages.
 */

/** Client to server, no payload: "I understand Pairwise's messages; send me them in this room." */
export const MESSAGE_PAIRWISE_HELLO = 100;

/**
 * Server to client: varUint8Array, an encoded Yjs state vector of what this server has in durable
 * storage for the room. Sent right after the hello and after each group commit that stored the room's
 * edits. A client's edits are saved once the vector covers its own client id's clock.
 */
export const MESSAGE_STORED_STATE = 101;

/** Server to client: varString, one chat message as JSON (`ChatMessage`), as soon as it is stored. */
export const MESSAGE_CHAT = 102;

/**
 * Both ways: varString, one run message as JSON. Client to server: `RunClientMessage` (a tab reports
 * the run it started, or asks for a run to be stopped). Server to client: `RunServerMessage`.
 */
export const MESSAGE_RUN = 103;
