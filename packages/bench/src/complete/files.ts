import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file below `dir` no larger than `maxBytes`, in a stable (sorted) order: corpora must not depend on the file system's. */
export function filesUnder(dir: string, maxBytes = Number.POSITIVE_INFINITY): string[] {
  const paths: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) paths.push(...filesUnder(path, maxBytes));
    else if (stat.isFile() && stat.size <= maxBytes) paths.push(path);
  }
  return paths;
}
