/** Parsing and walking contract source with acorn (shared by validation and gas injection). */
import { parse } from "acorn";
import { VmError } from "../contracts/errors.js";
import { checkNesting } from "./nesting.js";

/** An acorn ESTree node; fields are read dynamically by the walkers. */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [field: string]: unknown;
}

/**
 * ES2020 script: what QuickJS and IOST's esprima both accept, without class
 * fields or logical assignment (nothing IOST contracts use).
 */
/** Refuses code nested deeper than MAX_NESTING first (nesting.ts), so that the recursion below is bounded. */
export function parseSource(src: string): AstNode {
  checkNesting(src);
  try {
    return parse(src, { ecmaVersion: 2020, sourceType: "script", allowReturnOutsideFunction: false }) as unknown as AstNode;
  } catch (e) {
    throw new VmError(`compile contract: ${(e as Error).message}`);
  }
}

export function isNode(v: unknown): v is AstNode {
  return typeof v === "object" && v !== null && typeof (v as AstNode).type === "string";
}

/** Child nodes in source order (acorn keeps fields in syntax order). */
export function children(n: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const k in n) {
    if (k === "type" || k === "start" || k === "end" || k === "loc" || k === "range") continue;
    const v = n[k];
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) out.push(x);
    } else if (isNode(v)) out.push(v);
  }
  return out;
}

export function walk(n: AstNode, visit: (n: AstNode) => void): void {
  visit(n);
  for (const c of children(n)) walk(c, visit);
}
