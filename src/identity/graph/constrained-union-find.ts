/** Why a link was not made. */
export const LinkOutcome = {
  LINKED: 0,
  /** Both ends were already one customer. */
  ALREADY_LINKED: 1,
  /** The merged customer would exceed a type's limit (for user_id: hold two accounts). */
  CAPPED: 2,
  /** An un-merge keeps the two sides apart. */
  SEPARATED: 3,
  /** A link naming no account would bring an email or phone into an account (or an account onto one). */
  INDIRECT: 4,
} as const;
export type LinkOutcome = (typeof LinkOutcome)[keyof typeof LinkOutcome];

/** Which type codes play which part in the rules. */
export interface TypeRoles {
  /** Per type code, the most identifiers of that type one component may hold. */
  caps: Uint16Array;
  /** The code of user_id, or -1 when the graph holds none. */
  account: number;
  /** 1 for personal keys (email, phone): they join an account only through a record naming it. */
  personal: Uint8Array;
}

/**
 * Union-find over integer node ids whose unions are refused when the merged component would break
 * a rule:
 * - more identifiers of a type than its cap (user_id's cap is 1, so two accounts never join);
 * - a link naming no account (neither end a user_id) between a component holding an account and
 *   one holding an email or phone: whose email it is can only be learned from a record that names
 *   the account. Without this, a family tablet's one-time-password request would hand the second
 *   account's phone to the tablet's first account, minutes before the login that names its owner;
 * - both sides of a separation (an un-merge).
 * Everything lives in typed arrays — a few bytes per node, none per edge — so ten million links fit
 * in well under a gigabyte.
 *
 * Components only grow, so a refused union stays refused: a link seen again later changes nothing,
 * which is what lets batch stitching (links in time order, each pair once) agree with incremental
 * stitching (record after record).
 */
export class ConstrainedUnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  /** counts[root * typeCount + t]: identifiers of type t in the component (saturating at 65,535). */
  private readonly counts: Uint16Array;
  /** Separation sides held by a component, as tokens 2·separation + side; only components that have any. */
  private readonly sides = new Map<number, Set<number>>();
  /** The type whose cap refused the last union, for the audit. */
  refusedType = -1;

  private readonly caps: Uint16Array;

  constructor(
    readonly nodeCount: number,
    private readonly typeOf: Uint8Array,
    private readonly roles: TypeRoles,
    separationTokens: ReadonlyMap<number, readonly number[]> = new Map(),
  ) {
    this.caps = roles.caps;
    this.parent = new Int32Array(nodeCount);
    this.size = new Int32Array(nodeCount).fill(1);
    const typeCount = this.caps.length;
    this.counts = new Uint16Array(nodeCount * typeCount);
    for (let node = 0; node < nodeCount; node++) {
      this.parent[node] = node;
      this.counts[node * typeCount + typeOf[node]] = 1;
    }
    for (const [node, tokens] of separationTokens) this.sides.set(node, new Set(tokens));
  }

  private holdsPersonal(root: number): boolean {
    const typeCount = this.caps.length;
    for (let type = 0; type < typeCount; type++) if (this.roles.personal[type] === 1 && this.counts[root * typeCount + type] > 0) return true;
    return false;
  }

  find(node: number): number {
    let current = node;
    while (this.parent[current] !== current) {
      // Path halving: every other node on the path skips to its grandparent.
      const grandparent = this.parent[this.parent[current]];
      this.parent[current] = grandparent;
      current = grandparent;
    }
    return current;
  }

  /** Identifiers of `type` the component of `root` holds (saturating at 65,535). */
  count(root: number, type: number): number {
    return type < 0 ? 0 : this.counts[root * this.caps.length + type];
  }

  /** The separation sides (tokens) the component of `root` holds, if any. */
  sidesOf(root: number): ReadonlySet<number> | undefined {
    return this.sides.get(root);
  }

  /** Links a and b unless a rule forbids it; on success `onJoin(kept, absorbed)` sees the two roots first. */
  link(a: number, b: number, onJoin?: (kept: number, absorbed: number) => void): LinkOutcome {
    return this.join(a, b, true, onJoin);
  }

  /**
   * Links identifiers the identity store already holds as one customer, where no record of the lake
   * shows the link yet (the stream made it). The stream applied the rule on links naming no account
   * when it made the link, with the record in hand; caps and separations still hold here, against
   * whatever the lake links before or after.
   */
  linkStored(a: number, b: number, onJoin?: (kept: number, absorbed: number) => void): LinkOutcome {
    return this.join(a, b, false, onJoin);
  }

  private join(a: number, b: number, indirectRule: boolean, onJoin?: (kept: number, absorbed: number) => void): LinkOutcome {
    let rootA = this.find(a);
    let rootB = this.find(b);
    if (rootA === rootB) return LinkOutcome.ALREADY_LINKED;
    const typeCount = this.caps.length;
    for (let type = 0; type < typeCount; type++) {
      if (this.counts[rootA * typeCount + type] + this.counts[rootB * typeCount + type] > this.caps[type]) {
        this.refusedType = type;
        return LinkOutcome.CAPPED;
      }
    }
    const account = this.roles.account;
    if (indirectRule && account >= 0 && this.typeOf[a] !== account && this.typeOf[b] !== account) {
      const accountA = this.counts[rootA * typeCount + account] > 0;
      const accountB = this.counts[rootB * typeCount + account] > 0;
      if ((accountA && this.holdsPersonal(rootB)) || (accountB && this.holdsPersonal(rootA))) return LinkOutcome.INDIRECT;
    }
    const sidesA = this.sides.get(rootA);
    const sidesB = this.sides.get(rootB);
    if (sidesA && sidesB) {
      // Tokens 2k and 2k+1 are the two sides of separation k: holding both is the forbidden merge.
      for (const token of sidesA) if (sidesB.has(token ^ 1)) return LinkOutcome.SEPARATED;
    }
    if (this.size[rootA] < this.size[rootB]) [rootA, rootB] = [rootB, rootA];
    onJoin?.(rootA, rootB);
    this.parent[rootB] = rootA;
    this.size[rootA] += this.size[rootB];
    for (let type = 0; type < typeCount; type++) {
      const sum = this.counts[rootA * typeCount + type] + this.counts[rootB * typeCount + type];
      this.counts[rootA * typeCount + type] = Math.min(sum, 0xffff);
    }
    // Read again by root: the roots may have swapped above, and the absorbed one's sides must move to the kept one.
    const absorbedSides = this.sides.get(rootB);
    if (absorbedSides) {
      const keptSides = this.sides.get(rootA);
      if (keptSides) for (const token of absorbedSides) keptSides.add(token);
      else this.sides.set(rootA, absorbedSides);
      this.sides.delete(rootB);
    }
    return LinkOutcome.LINKED;
  }
}
