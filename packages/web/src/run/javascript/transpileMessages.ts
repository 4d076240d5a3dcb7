import type { ProgramScript, ScriptLanguage } from './programScript';

/** Page to the warm transpiling worker. */
export interface TranspileRequest {
  id: number;
  code: string;
  language: ScriptLanguage;
}

/** The transpiling worker's answer to the request with the same id. */
export type TranspileResponse = { id: number } & ProgramScript;
