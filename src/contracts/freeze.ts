/**
 * token.iost's frozen balance list (`TF<account>` field `<symbol>`, json
 * `[{"Amount":n,"Ftime":ns}]`), apart from the contract so that
 * balance.ts writes the same record for a frozen credit without
 * importing (and registering) token.iost.
 */
export interface FreezeItem {
  Amount: bigint;
  Ftime: bigint;
}

export function parseFreezeList(text: string): FreezeItem[] {
  // Amounts and times are int64: read them from the text exactly.
  const out: FreezeItem[] = [];
  const re = /\{"Amount":(-?\d+),"Ftime":(-?\d+)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push({ Amount: BigInt(m[1]), Ftime: BigInt(m[2]) });
  return out;
}
export function freezeListJson(list: readonly FreezeItem[]): string {
  return "[" + list.map((f) => `{"Amount":${f.Amount},"Ftime":${f.Ftime}}`).join(",") + "]";
}

/** Adds a frozen record in Go's order (time, then amount). */
export function pushFreeze(list: FreezeItem[], amount: bigint, ftime: bigint): void {
  list.push({ Amount: amount, Ftime: ftime });
  list.sort(compareFreeze);
}

/** Go's order of a frozen list: time, then amount. */
export function compareFreeze(a: FreezeItem, b: FreezeItem): number {
  if (a.Ftime !== b.Ftime) return a.Ftime < b.Ftime ? -1 : 1;
  return a.Amount < b.Amount ? -1 : a.Amount > b.Amount ? 1 : 0;
}
