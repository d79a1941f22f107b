/**
 * Deploy-time checks of a contract (go-iost vm/v8vm/v8/libjs/validate.js):
 * the source shape, IOST's forbidden syntax, and the ABI against the class.
 */
import { VmError } from "../contracts/errors.js";
import { walk, type AstNode } from "./ast.js";

export interface AbiJson {
  name: string;
  args: string[];
  amountLimit: { token: string; val: string }[];
}

const ARG_TYPES = new Set(["string", "bool", "number", "json"]);

/**
 * Identifiers the gas injection and the sandbox prelude rely on; a contract
 * naming them could shadow the counter. IOST reserves the `_IOST…` family too.
 */
function reservedIdentifier(name: string): boolean {
  return name.startsWith("_IOST") || name === "IOSTInstruction";
}

function fail(msg: string): never {
  throw new VmError(`validate contract: ${msg}`);
}

/** Forbidden syntax: IOST's list, plus what would escape gas metering here (generators, BigInt, import(), with). */
function checkSyntax(program: AstNode): void {
  walk(program, (n) => {
    switch (n.type) {
      case "TryStatement":
        return fail("try/catch is not allowed");
      case "WithStatement":
        return fail("with is not allowed");
      case "AwaitExpression":
        return fail("async/await is not allowed");
      case "ArrayPattern":
      case "ObjectPattern":
        return fail("destructuring is not allowed");
      case "ImportExpression":
        return fail("import is not allowed");
      case "Literal":
        if (n.regex) fail("regular expression is not allowed");
        if (n.bigint !== undefined) fail("BigInt is not allowed");
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        if (n.async) fail("async/await is not allowed");
        if (n.generator) fail("generator functions are not allowed");
        break;
      case "Identifier":
        if (reservedIdentifier(n.name as string)) fail(`identifier ${n.name as string} is reserved`);
        break;
    }
  });
}

/** The exported class's methods and their parameter counts. */
function contractClass(program: AstNode): Map<string, number> {
  const body = program.body as AstNode[];
  const last = body[body.length - 1];
  const expr = last?.type === "ExpressionStatement" ? (last.expression as AstNode) : undefined;
  const left = expr?.left as AstNode | undefined;
  const right = expr?.right as AstNode | undefined;
  if (
    expr?.type !== "AssignmentExpression" ||
    expr.operator !== "=" ||
    left?.type !== "MemberExpression" ||
    left.computed ||
    (left.object as AstNode).type !== "Identifier" ||
    (left.object as AstNode).name !== "module" ||
    (left.property as AstNode).name !== "exports" ||
    right?.type !== "Identifier"
  )
    fail("the last statement must be `module.exports = <class name>;`");
  const cls = body.find((s) => s.type === "ClassDeclaration" && (s.id as AstNode).name === right.name);
  if (!cls) fail(`class ${right.name as string} not found`);
  const methods = new Map<string, number>();
  for (const m of (cls.body as AstNode).body as AstNode[]) {
    if (m.type !== "MethodDefinition") continue;
    if (m.kind === "constructor") fail("smart contract class shouldn't contain constructor method!!");
    if (m.kind !== "method" || m.static || m.computed) continue;
    const key = m.key as AstNode;
    const name = key.type === "Identifier" ? (key.name as string) : String(key.value);
    methods.set(name, ((m.value as AstNode).params as AstNode[]).length);
  }
  if (!methods.has("init")) fail("init not found!");
  return methods;
}

/** Parse and check the `abi` list of the contract info (validate.js checkOneAbi). */
export function checkAbis(raw: unknown, methods: Map<string, number>): AbiJson[] {
  if (!Array.isArray(raw)) fail("abi should be an array");
  const seen = new Set<string>();
  return raw.map((a: unknown): AbiJson => {
    const o = (typeof a === "object" && a !== null ? a : {}) as Record<string, unknown>;
    const name = o.name;
    if (typeof name !== "string" || !/^[A-Za-z0-9_]{1,32}$/.test(name) || name.startsWith("_")) fail(`abi name invalid: ${String(name)}`);
    if (name === "init") fail("abi shouldn't contain internal function: init");
    if (seen.has(name)) fail(`abi ${name} duplicated`);
    seen.add(name);
    const args = o.args ?? [];
    if (!Array.isArray(args) || !args.every((t) => typeof t === "string" && ARG_TYPES.has(t)))
      fail(`abi ${name} args invalid, only string, bool, number, json`);
    if (methods.get(name) !== args.length) fail(`abi ${name} not found in contract or args length unmatched`);
    const limits = o.amountLimit ?? [];
    if (!Array.isArray(limits)) fail(`abi ${name} amountLimit invalid`);
    const amountLimit = limits.map((l: unknown) => {
      const lo = (typeof l === "object" && l !== null ? l : {}) as Record<string, unknown>;
      if (typeof lo.token !== "string" || typeof lo.val !== "string") fail(`abi ${name} amountLimit invalid`);
      return { token: lo.token, val: lo.val };
    });
    return { name, args: args as string[], amountLimit };
  });
}

/** Source checks; returns the exported class's methods (name → parameter count). */
export function validateSource(program: AstNode): Map<string, number> {
  checkSyntax(program);
  return contractClass(program);
}
