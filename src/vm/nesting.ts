/**
 * The deterministic nesting cap, checked before anything recursive sees the
 * source: acorn's parser, our AST walkers (inject.ts, validate.ts) and
 * QuickJS's parser all recurse once per syntax level, so without a cap the
 * native stack of the node (warm or fresh, Node or workerd) would decide
 * whether a contract deploys. acorn's tokenizer is iterative and knows
 * strings, templates, comments and regex literals, so one pass over its
 * tokens measures the nesting: each open bracket (`(`, `[`, `{`, `${`) is a
 * level, and within a level each operator, `.`, `?`, `=>` or nesting keyword
 * since the last `;` or `,` is one more (a chain such as `x+x+x` or `a.b.c`
 * is as deep in the AST as it is long). A program deeper than MAX_NESTING
 * anywhere is refused.
 */
import { tokenizer, tokTypes as tt } from "acorn";
import { VmError } from "../contracts/errors.js";

/** Far below every stack involved (QuickJS's 256 KB included), far above what contracts write. */
export const MAX_NESTING = 128;

const OPEN = new Set([tt.parenL, tt.bracketL, tt.braceL, tt.dollarBraceL]);
const CLOSE = new Set([tt.parenR, tt.bracketR, tt.braceR]);
const CHAIN = new Set([tt.dot, tt.question, tt.questionDot, tt.arrow, tt._if, tt._else, tt._for, tt._while, tt._do, tt._new, tt._return, tt._throw]);

/** acorn's token type flags (present at run time, not in its typings). */
type Flags = { binop?: number | null; prefix?: boolean; isAssign?: boolean };

export function checkNesting(src: string): void {
  /** Per open level: its depth when opened plus the chain length at it. */
  const levels: number[] = [0];
  let chain = 0;
  try {
    for (const tok of tokenizer(src, { ecmaVersion: 2020 })) {
      const type = tok.type;
      const f = type as unknown as Flags;
      if (OPEN.has(type)) {
        levels.push(levels[levels.length - 1] + chain + 1);
        chain = 0;
      } else if (CLOSE.has(type)) {
        if (levels.length > 1) levels.pop();
        chain = 0;
        continue;
      } else if (type === tt.semi || type === tt.comma) {
        chain = 0;
        continue;
      } else if (typeof f.binop === "number" || f.prefix || f.isAssign || CHAIN.has(type)) chain++;
      else continue;
      if (levels[levels.length - 1] + chain > MAX_NESTING) throw new VmError(`compile contract: code nested deeper than ${MAX_NESTING}`);
    }
  } catch (e) {
    if (e instanceof VmError) throw e;
    throw new VmError(`compile contract: ${(e as Error).message}`); // acorn's own syntax error, as parse would give
  }
}
