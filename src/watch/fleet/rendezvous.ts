/**
 * Rendezvous (highest random weight) hashing, pure: each target goes to the live member with the
 * highest hash of (member, target). A member joining takes about 1/N of the targets from the
 * others, a member leaving gives its own to the rest, and nothing else moves; every member computes
 * the same answer from the same member list, with no coordination beyond that list.
 */

/** FNV-1a (32 bit) then a murmur finalizer: fast, and spread well enough for weights. */
export function weight(member: string, target: string): number {
  let hash = 0x811c9dc5;
  const text = `${member}\u0000${target}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The member a target belongs to; undefined with no member. Ties go to the smaller id. */
export function ownerOf(target: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const member of members) {
    const w = weight(member, target);
    if (w > bestWeight || (w === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = w;
    }
  }
  return best;
}

/** The targets `member` should own among `targets`, given the live `members`. */
export function assigned(
  member: string,
  targets: readonly string[],
  members: readonly string[],
): Set<string> {
  return new Set(targets.filter((target) => ownerOf(target, members) === member));
}
