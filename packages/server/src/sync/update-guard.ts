import * as decoding from 'lib0/decoding';

/**
 * Structural check of an untrusted Yjs update (v1 encoding) before it reaches Yjs.
 *
 * Why by hand: Yjs trusts the counts it reads. An update declaring a huge struct count makes
 * `readClientsStructRefs` allocate an array that large before noticing the input is short
 * (~1% of random inputs under 64 bytes cost 200-1,000 ms and ~225 MB; see field notes). No library
 * offers a bounded validator, so this walks the same layout as `readClientsStructRefs` +
 * `readDeleteSet` and rejects any count larger than the bytes left to hold it.
 */
export class InvalidUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUpdateError';
  }
}

const BITS5 = 0b11111;
const BIT6 = 0b100000;
const BIT7 = 0b1000000;
const BIT8 = 0b10000000;
const STRUCT_GC = 0;
const STRUCT_SKIP = 10;
const CONTENT_TYPE = 7;
/** Type refs whose content carries a node name (Y.XmlElement = 3, Y.XmlHook = 5); 0..6 exist. */
const TYPE_REFS_WITH_KEY = new Set([3, 5]);
const MAX_TYPE_REF = 6;

export function assertValidUpdate(update: Uint8Array): void {
  const decoder = decoding.createDecoder(update);
  try {
    readStructs(decoder);
    readDeleteSet(decoder);
  } catch (err) {
    if (err instanceof InvalidUpdateError) throw err;
    throw new InvalidUpdateError(`malformed update: ${(err as Error).message}`);
  }
}

function remaining(decoder: decoding.Decoder): number {
  return decoder.arr.length - decoder.pos;
}

/** Reads a count of items that each take at least `minBytes`, refusing counts the input cannot hold. */
function readBoundedCount(decoder: decoding.Decoder, minBytes: number, what: string): number {
  const count = decoding.readVarUint(decoder);
  if (count * minBytes > remaining(decoder)) {
    throw new InvalidUpdateError(`${what} count ${count} exceeds the ${remaining(decoder)} bytes left`);
  }
  return count;
}

function readStructs(decoder: decoding.Decoder): void {
  // Each client section holds at least a struct count, a client id and a clock.
  const clients = readBoundedCount(decoder, 3, 'client');
  for (let c = 0; c < clients; c++) {
    const structs = readBoundedCount(decoder, 1, 'struct');
    decoding.readVarUint(decoder); // client id
    decoding.readVarUint(decoder); // first clock
    for (let s = 0; s < structs; s++) readStruct(decoder);
  }
}

function readStruct(decoder: decoding.Decoder): void {
  const info = decoding.readUint8(decoder);
  const kind = info & BITS5;
  if (kind === STRUCT_GC || kind === STRUCT_SKIP) {
    decoding.readVarUint(decoder); // length
    return;
  }
  const hasOrigin = (info & BIT8) !== 0;
  const hasRightOrigin = (info & BIT7) !== 0;
  if (hasOrigin) readId(decoder);
  if (hasRightOrigin) readId(decoder);
  if (!hasOrigin && !hasRightOrigin) {
    const parentIsRootType = decoding.readVarUint(decoder) === 1;
    if (parentIsRootType) decoding.readVarString(decoder);
    else readId(decoder);
    if ((info & BIT6) !== 0) decoding.readVarString(decoder); // parentSub (map key)
  }
  readContent(decoder, kind);
}

function readId(decoder: decoding.Decoder): void {
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
}

function readContent(decoder: decoding.Decoder, kind: number): void {
  switch (kind) {
    case 1: // deleted
      decoding.readVarUint(decoder);
      return;
    case 2: // JSON: strings
      for (let n = readBoundedCount(decoder, 1, 'JSON value'); n > 0; n--) decoding.readVarString(decoder);
      return;
    case 3: // binary
      decoding.readVarUint8Array(decoder);
      return;
    case 4: // string
    case 5: // embed (JSON string)
      decoding.readVarString(decoder);
      return;
    case 6: // format: key + JSON
      decoding.readVarString(decoder);
      decoding.readVarString(decoder);
      return;
    case CONTENT_TYPE: {
      const typeRef = decoding.readVarUint(decoder);
      if (typeRef > MAX_TYPE_REF) throw new InvalidUpdateError(`unknown type ref ${typeRef}`);
      if (TYPE_REFS_WITH_KEY.has(typeRef)) decoding.readVarString(decoder);
      return;
    }
    case 8: // any
      for (let n = readBoundedCount(decoder, 1, 'value'); n > 0; n--) decoding.readAny(decoder);
      return;
    case 9: // subdocument: guid + options
      decoding.readVarString(decoder);
      decoding.readAny(decoder);
      return;
    default:
      throw new InvalidUpdateError(`unknown content kind ${kind}`);
  }
}

function readDeleteSet(decoder: decoding.Decoder): void {
  // Each client entry holds at least a client id and a range count.
  const clients = readBoundedCount(decoder, 2, 'delete-set client');
  for (let c = 0; c < clients; c++) {
    decoding.readVarUint(decoder); // client id
    const ranges = readBoundedCount(decoder, 2, 'delete range');
    for (let r = 0; r < ranges; r++) {
      decoding.readVarUint(decoder); // clock
      decoding.readVarUint(decoder); // length
    }
  }
}
