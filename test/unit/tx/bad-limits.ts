/** amount_limit entries every path must refuse, with the reason each is refused for: [token, value, reason]. */
export const BAD_LIMITS: readonly (readonly [string, string, string])[] = [
  ["iost", "-90000000000", "negative amount"],
  ["*", "-90000000000", "negative amount"],
  ["iost", "-0", "negative amount"],
  ["iost", "1e9", "abnormal char in amount"],
  ["*", " 1", "abnormal char in amount"],
  ["iost", "99999999999999999999999", "overflow error"],
];
