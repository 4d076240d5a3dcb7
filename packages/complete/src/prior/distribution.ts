import { type PriorTables, childOf, countAfter } from './tables.js';

/**
 * Next-token probabilities under a context, Witten-Bell interpolated: each context order mixes
 * its own counts with the next shorter context's probabilities, giving the shorter one the more
 * weight the more different tokens followed (an undecided context defers).
 */
export class ContextPath {
  /** Trie nodes from the root (order 0) to the longest context found. */
  readonly nodes: readonly number[];

  constructor(
    private readonly tables: PriorTables,
    /** Context token codes, nearest first. */
    context: readonly number[],
  ) {
    const nodes = [0];
    for (const code of context.slice(0, tables.maxOrder)) {
      const child = childOf(tables, nodes[nodes.length - 1]!, code);
      if (child === -1) break;
      nodes.push(child);
    }
    this.nodes = nodes;
  }

  probability(code: number): number {
    const t = this.tables;
    let p = t.unigram[code]! / t.unigramTotal;
    for (let k = 1; k < this.nodes.length; k++) p = this.mix(this.nodes[k]!, countAfter(t, this.nodes[k]!, code), p);
    return p;
  }

  /**
   * Total probability of a set of codes: `unigramMass` is their share at the root, `keep` says which
   * codes of a node's kept counts belong to the set. Interpolation is linear, so sums mix like terms.
   */
  massOf(unigramMass: number, keep: (code: number) => boolean): number {
    const t = this.tables;
    let p = unigramMass;
    for (let k = 1; k < this.nodes.length; k++) {
      const node = this.nodes[k]!;
      let count = 0;
      for (let i = t.predStart[node]!; i < t.predStart[node + 1]!; i++) if (keep(t.predCode[i]!)) count += t.predCount[i]!;
      p = this.mix(node, count, p);
    }
    return p;
  }

  /** Every code some context on the path keeps a count for, and that passes `keep`. */
  candidates(keep: (code: number) => boolean): Set<number> {
    const t = this.tables;
    const codes = new Set<number>();
    for (const node of this.nodes) {
      for (let i = t.predStart[node]!; i < t.predStart[node + 1]!; i++) if (keep(t.predCode[i]!)) codes.add(t.predCode[i]!);
    }
    return codes;
  }

  private mix(node: number, count: number, shorter: number): number {
    const total = this.tables.nodeTotal[node]!;
    const distinct = this.tables.nodeDistinct[node]!;
    return (count + distinct * shorter) / (total + distinct);
  }
}
