import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { applyStoredUpdates, encodeUpdatesAsSnapshot } from './compaction.js';

/**
 * A stored log of three writers (59 of the 138 updates a process-level kill -9 test left, the fewest
 * that still show it) in which updates come before ones they depend on: a peer stored the killed
 * instance's edits a second late, after edits built on them. Applied one by one, Yjs 13.6.33 leaves
 * part of it out for good.
 */
const OUT_OF_ORDER_LOG = [
  'AQGRuLiVAgBEzqf8uwIABltjMi0yXQA=',
  'AQGRuLiVAgbEkbi4lQIFzqf8uwIABltjMi00XQA=',
  'AQGdjubwCgCEzqf8uwILBltjMS0zXQA=',
  'AQGRuLiVAgzEkbi4lQIFkbi4lQIGBltjMi01XQA=',
  'AQGdjubwCgZEkbi4lQIABltjMS03XQA=',
  'AQGdjubwCgzEnY7m8AoFzqf8uwIMBltjMS04XQA=',
  'AQGdjubwChJEnY7m8AoGBltjMS05XQA=',
  'AQGRuLiVAhLEnY7m8AoFnY7m8AoMB1tjMi0xMV0A',
  'AQGRuLiVAhnEnY7m8AoXnY7m8AoGB1tjMi0xMl0A',
  'AQGdjubwChjEzqf8uwILnY7m8AoAB1tjMS0xM10A',
  'AQGdjubwCh/EnY7m8AoFkbi4lQISB1tjMS0xNF0A',
  'AQGRuLiVAiDEzqf8uwIFzqf8uwIGB1tjMi0xNl0A',
  'AQGdjubwCiZEnY7m8AoSB1tjMS0xNV0A',
  'AQGdjubwCi3Ekbi4lQIfnY7m8AoGB1tjMS0xN10A',
  'AQGdjubwCjTEzqf8uwIRzqf8uwIZB1tjMS0xOV0A',
  'AQGdjubwCjvEkbi4lQILzqf8uwIAB1tjMS0yMV0A',
  'AQGRuLiVAifEkbi4lQIfnY7m8AotB1tjMi0yM10A',
  'AQGRuLiVAi7Ekbi4lQIFkbi4lQIMB1tjMi0yNF0A',
  'AQGdjubwCkLEnY7m8AoXkbi4lQIZB1tjMS0yMl0A',
  'AQGdjubwCknEkbi4lQILnY7m8Ao7B1tjMS0yNV0A',
  'AQGdjubwClDEnY7m8AoenY7m8AoAB1tjMS0yNl0A',
  'AQGdjubwClfEkbi4lQIYzqf8uwIgB1tjMS0yN10A',
  'AQGdjubwCl7Ekbi4lQIFkbi4lQIuB1tjMS0yOV0A',
  'AQGRuLiVAjXEzqf8uwImnY7m8AoMB1tjMi0yOF0A',
  'AQGRuLiVAjzEnY7m8AoFnY7m8AofB1tjMi0zMF0A',
  'AQGRuLiVAkPEzqf8uwImkbi4lQI1B1tjMi0zMl0A',
  'AQGdjubwCmXEnY7m8AoLkbi4lQIAB1tjMS0zM10A',
  'AQGRuLiVAkrEkbi4lQImzqf8uwIGB1tjMi0zN10A',
  'AQGRuLiVAlHEzqf8uwI0kbi4lQIMB1tjMi0zOV0A',
  'AQGdjubwCmzEzqf8uwImzqf8uwI1B1tjMS0zOF0A',
  'AQGdjubwCnPEnY7m8ApWnY7m8AoAB1tjMS00MF0A',
  'AQGdjubwCnrEzqf8uwItkbi4lQISB1tjMS00Ml0A',
  'AQGdjubwCoEBxJG4uJUCGJ2O5vAKVwdbYzEtNDRdAA==',
  'AQGRuLiVAljEnY7m8ApPnY7m8Ao7B1tjMi00Nl0A',
  'AQGdjubwCogBxJ2O5vAKJc6n/LsCJwdbYzEtNDVdAA==',
  'AQGdjubwCo8BxM6n/LsCO5G4uJUCQwdbYzEtNDhdAA==',
  'AQHOp/y7AgAEAQRjb2RlBltjMC0wXQA=',
  'AQGRuLiVAl/EnY7m8AqHAZ2O5vAKVwdbYzItNDldAA==',
  'AQHOp/y7AgaEzqf8uwIFBltjMC0xXQA=',
  'AQGdjubwCpYBxJG4uJUCZZ2O5vAKVwdbYzEtNTJdAA==',
  'AQGdjubwCp0BxM6n/LsCZc6n/LsCEgdbYzEtNTRdAA==',
  'AQGdjubwCqQBxJG4uJUCNM6n/LsCLgdbYzEtNTVdAA==',
  'AQHOp/y7AgyEnY7m8AoFBltjMC02XQA=',
  'AQHOp/y7AhLEkbi4lQIRkbi4lQIGB1tjMC0xMF0A',
  'AQHOp/y7AhmEzqf8uwIRB1tjMC0xOF0A',
  'AQHOp/y7AiDEkbi4lQIYnY7m8AoMB1tjMC0yMF0A',
  'AQLOp/y7AnvEnY7m8Apkkbi4lQIuB1tjMC02MF3Ekbi4lQIFzqf8uwJ0B1tjMC02Ml0A',
  'AQHOp/y7AifEnY7m8Aolkbi4lQISB1tjMC0zMV0A',
  'AQHOp/y7Ai7Ekbi4lQI0kbi4lQIMB1tjMC0zNF0A',
  'AQHOp/y7AjXEzqf8uwImkbi4lQJDB1tjMC0zNV0A',
  'AQHOp/y7AjzEnY7m8AoFkbi4lQI8B1tjMC0zNl0A',
  'AQHOp/y7AkPEnY7m8Apdzqf8uwIgB1tjMC00MV0A',
  'AQHOp/y7AkrEkbi4lQImkbi4lQJKB1tjMC00M10A',
  'AQHOp/y7AlHEkbi4lQILnY7m8ApJB1tjMC00N10A',
  'AQHOp/y7AljEzqf8uwIYkbi4lQIGB1tjMC01MF0A',
  'AQHOp/y7Al/Ekbi4lQIRzqf8uwISB1tjMC01MV0A',
  'AQHOp/y7AmbEkbi4lQILzqf8uwJRB1tjMC01M10A',
  'AQHOp/y7Am3EnY7m8AqqAc6n/LsCLgdbYzAtNTddAA==',
  'AQHOp/y7AnTEkbi4lQIFnY7m8ApeB1tjMC01OF0A',
].map((base64) => new Uint8Array(Buffer.from(base64, 'base64')));

const textOf = (doc: Y.Doc): string => doc.getText(CODE_TEXT).toString();

function mergedText(): string {
  const merged = new Y.Doc();
  Y.applyUpdate(merged, Y.mergeUpdates(OUT_OF_ORDER_LOG));
  expect(merged.store.pendingStructs).toBeNull();
  return textOf(merged);
}

describe('applyStoredUpdates', () => {
  it('loads every edit of a log whose updates come before ones they depend on', () => {
    // The trap this guards against: applied one by one, the log shows less than it holds.
    const oneByOne = new Y.Doc();
    for (const update of OUT_OF_ORDER_LOG) Y.applyUpdate(oneByOne, update);
    expect(textOf(oneByOne).length).toBeLessThan(mergedText().length);

    const loaded = new Y.Doc();
    applyStoredUpdates(loaded, OUT_OF_ORDER_LOG);
    expect(textOf(loaded)).toBe(mergedText());
    expect(loaded.store.pendingStructs).toBeNull();
  });

  it('compacts such a log into a snapshot that holds every edit', () => {
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, encodeUpdatesAsSnapshot(OUT_OF_ORDER_LOG));
    expect(textOf(fromSnapshot)).toBe(mergedText());
  });
});
