/**
 * Gas injection, IOST's method (go-iost vm/v8vm/v8/libjs/inject_gas.js): the
 * source is rewritten once at deploy so that the running code charges itself.
 *
 * - `_IOSTInstruction_counter.incr(n);` before every statement, n = the cost of
 *   the statement's own expressions by IOST's node table (nested statements
 *   and function bodies are charged where they run);
 * - loop bodies charge per iteration (the loop constant plus test/update);
 * - expression-bodied arrows charge per call: `x => (incr(n), body)`;
 * - `==` and `!=` become `===` and `!==`, as IOST's `_IOSTBinaryOp` compares;
 * - string-producing `+`, `+=` and template literals go through
 *   `_IOSTBinaryOp(v)`, spread arguments through `_IOSTSpreadElement(v)`, which
 *   charge by length (defined by the sandbox prelude); so do the left operand
 *   of comparisons and computed property keys, whose cost grows with string
 *   length (compare, hash) while IOST's node table charges them a constant;
 * - an array or object literal's elements beyond the 32nd cost 2 gas each, not
 *   IOST's 0.1: each takes an 8-byte slot (more as the array grows), and at 0.1
 *   a loop over a 12,000-element literal filled ~300 MB of VM memory on 4,000,000
 *   gas (docs/STATE.md "Memory bound").
 *
 * Edits are text insertions at node boundaries, so the rest of the source is
 * kept byte for byte (what getContract shows as `code`).
 */
import { children, type AstNode } from "./ast.js";

const COUNTER = "_IOSTInstruction_counter";
const COMPARISONS = new Set(["===", "!==", "==", "!=", "<", ">", "<=", ">=", "in"]);

/** Literals up to 32 elements cost IOST's 2 + n/10; each element beyond pays 2 gas for its memory. */
const literalCost = (n: number) => 20 + n + 20 * Math.max(0, n - 32);

/** IOST's per-node charges, in tenths of gas (IOST counts 0.1 per element/char). */
function ownCost(n: AstNode): number {
  switch (n.type) {
    case "CallExpression":
      return 40;
    case "NewExpression":
      return 80;
    case "MemberExpression":
      return 40;
    case "AssignmentExpression":
    case "UpdateExpression":
    case "BinaryExpression":
    case "UnaryExpression":
    case "LogicalExpression":
    case "ConditionalExpression":
      return 30;
    case "ThrowStatement":
      return 500;
    case "ClassDeclaration":
    case "ClassExpression":
      return 1500;
    case "FunctionDeclaration":
    case "VariableDeclarator":
    case "ArrowFunctionExpression":
      return 30;
    case "MethodDefinition":
      return 20;
    case "FunctionExpression":
      return 10;
    case "ObjectExpression":
      return literalCost((n.properties as unknown[]).length);
    case "ArrayExpression":
      return literalCost((n.elements as unknown[]).length);
    case "Literal":
      return typeof n.value === "string" ? 20 + n.value.length : 0;
    case "TemplateLiteral":
      return 20 + (n.quasis as AstNode[]).reduce((s, q) => s + (q.value as { raw: string }).raw.length, 0);
    default:
      return 0;
  }
}

const isFunction = (n: AstNode) => n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "FunctionDeclaration";

/** A child that is charged where it runs, not as part of its parent's statement. */
function chargedElsewhere(c: AstNode): boolean {
  return c.type === "BlockStatement" || c.type.endsWith("Statement") || c.type === "SwitchCase";
}

/** Cost in tenths of the expressions a statement (or expression) evaluates itself. */
function cost(n: AstNode | null | undefined): number {
  if (!n) return 0;
  let total = ownCost(n);
  if (isFunction(n)) return total; // params and body run per call
  for (const c of children(n)) if (!chargedElsewhere(c)) total += cost(c);
  return total;
}

const gas = (tenths: number) => Math.max(1, Math.floor(tenths / 10));
const incr = (tenths: number) => `${COUNTER}.incr(${gas(tenths)});`;

interface Edit {
  pos: number;
  text: string;
  close: boolean;
  seq: number;
}

function loopCost(n: AstNode): number {
  switch (n.type) {
    case "ForStatement":
      return 10 + cost(n.test as AstNode) + cost(n.update as AstNode);
    case "ForInStatement":
      return 40;
    case "ForOfStatement":
      return 20;
    case "WhileStatement":
    case "DoWhileStatement":
      return 10 + cost(n.test as AstNode);
  }
  return -1;
}

/** Just past a binary operator: between the operands there are only `)`, spaces and comments before it. */
function operatorEnd(src: string, n: AstNode): number {
  const op = n.operator as string;
  let i = (n.left as AstNode).end;
  while (!src.startsWith(op, i)) {
    if (src.startsWith("//", i)) i = src.indexOf("\n", i);
    else if (src.startsWith("/*", i)) i = src.indexOf("*/", i) + 2;
    else i++;
  }
  return i + op.length;
}

export function injectGas(src: string, program: AstNode): string {
  const edits: Edit[] = [];
  let seq = 0;
  const open = (pos: number, text: string) => edits.push({ pos, text, close: false, seq: seq++ });
  const close = (pos: number, text: string) => edits.push({ pos, text, close: true, seq: seq++ });

  /** A statement outside a statement list (if branch, loop body): charged inside a block of its own. */
  const bodyPosition = (body: AstNode, extra: number) => {
    if (body.type === "BlockStatement") {
      if (extra > 0) open(body.start + 1, incr(extra));
    } else {
      open(body.start, "{" + incr(extra + cost(body)));
      close(body.end, "}");
    }
  };

  const wrapIn = (n: AstNode, fn: string) => {
    open(n.start, fn);
    close(n.end, ")");
  };

  const visit = (n: AstNode, parent: AstNode | undefined) => {
    const list = n.type === "Program" || n.type === "BlockStatement" ? n.body : n.type === "SwitchCase" ? n.consequent : undefined;
    if (Array.isArray(list)) for (const s of list as AstNode[]) if (s.directive === undefined) open(s.start, incr(cost(s)));

    const loop = loopCost(n);
    if (loop >= 0) bodyPosition(n.body as AstNode, loop);
    if (n.type === "IfStatement") {
      bodyPosition(n.consequent as AstNode, 0);
      if (n.alternate) bodyPosition(n.alternate as AstNode, 0);
    }
    if (n.type === "ArrowFunctionExpression" && n.expression) {
      const body = n.body as AstNode;
      open(body.start, `(${COUNTER}.incr(${gas(cost(body))}), `);
      close(body.end, ")");
    }
    const stringOp =
      (n.type === "BinaryExpression" && n.operator === "+") ||
      (n.type === "AssignmentExpression" && n.operator === "+=") ||
      (n.type === "TemplateLiteral" && parent?.type !== "TaggedTemplateExpression");
    if (stringOp) wrapIn(n, "_IOSTBinaryOp(");
    if (n.type === "BinaryExpression" && COMPARISONS.has(n.operator as string)) wrapIn(n.left as AstNode, "_IOSTBinaryOp(");
    // IOST's _IOSTBinaryOp compares `==` as `===` and `!=` as `!==`: one more `=` after the operator.
    if (n.type === "BinaryExpression" && (n.operator === "==" || n.operator === "!=")) open(operatorEnd(src, n), "=");
    if ((n.type === "MemberExpression" || n.type === "Property") && n.computed) wrapIn((n.property ?? n.key) as AstNode, "_IOSTBinaryOp(");
    if (n.type === "SpreadElement") wrapIn(n.argument as AstNode, "_IOSTSpreadElement(");
    for (const c of children(n)) visit(c, n);
  };
  visit(program, undefined);

  // Same position: closings before openings; inner closings (visited later) first, outer openings first.
  edits.sort((a, b) => a.pos - b.pos || (a.close === b.close ? (a.close ? b.seq - a.seq : a.seq - b.seq) : a.close ? -1 : 1));
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += src.slice(at, e.pos) + e.text;
    at = e.pos;
  }
  return out + src.slice(at);
}
