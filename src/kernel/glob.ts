// History search patterns: IPython's globs (`*` any run of characters, `?` one character).

/**
 * Whether `text` matches the glob (`*` any run, `?` one character), in O(pattern × text) at worst:
 * on a mismatch only the last `*` is retried one character further, where a regular expression
 * would backtrack into every earlier `*` (16 stars took minutes on a short entry).
 */
export function globMatches(glob: string, text: string): boolean {
  const pattern = [...glob];
  const chars = [...text];
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < chars.length) {
    if (p < pattern.length && (pattern[p] === "?" || (pattern[p] !== "*" && pattern[p] === chars[t]))) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
