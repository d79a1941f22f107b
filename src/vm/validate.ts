/**
 * Deploy-time checks of a contract: the source shape and the ABI against the
 * class with go-iost's texts and order (vm/v8vm/v8/libjs/validate.js, wrapped
 * as vm/v8vm/sandbox.go Validate wraps them), then the forbidden syntax, which
 * IOST finds later, while injecting gas.
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

/** A validate.js error as sandbox.go reports it: no script error, the JS `Error` as the result. */
function invalid(msg: string): never {
  throw new VmError(`validate code error: , result: Error: ${msg}`);
}

/** An inject_gas.js error as sandbox.go Compile reports it: V8's uncaught exception (its first line). */
function forbidden(msg: string): never {
  throw new VmError(`Uncaught exception: Error: ${msg}`);
}

/**
 * Forbidden syntax in IOST's order and texts (inject_gas.js checkInvalidKeyword over the tokens,
 * first offender in source order, then processOperator's patterns), plus what would escape gas
 * metering here (generators, BigInt, import(), with), which IOST has no text for.
 */
function checkSyntax(program: AstNode): void {
  walk(program, (n) => {
    switch (n.type) {
      case "Identifier": {
        const name = n.name as string;
        if (reservedIdentifier(name)) forbidden("use of _IOSTInstruction_counter or _IOSTBinaryOp keyword is not allowed");
        // IOST matches tokens: `try`/`catch` are keywords even as property names, `async`/`await` any identifier.
        if (name === "try" || name === "catch") forbidden("use of try catch is not supported");
        if (name === "async" || name === "await") forbidden("use of async or await is not supported");
        break;
      }
      case "TryStatement":
        return forbidden("use of try catch is not supported");
      case "AwaitExpression":
        return forbidden("use of async or await is not supported");
      case "Literal":
        // IOST appends the token's `val`, a field esprima tokens lack: its text always ends in "undefined".
        if (n.regex) forbidden("use of RegularExpression is not allowed.undefined");
        if (n.bigint !== undefined) fail("BigInt is not allowed");
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        if (n.async) forbidden("use of async or await is not supported");
        if (n.generator) fail("generator functions are not allowed");
        break;
      case "WithStatement":
        return fail("with is not allowed");
      case "ImportExpression":
        return fail("import is not allowed");
    }
  });
  walk(program, (n) => {
    // IOST appends esprima's JSON of the pattern (with its line and column); this node's acorn JSON has no positions.
    if (n.type === "ArrayPattern" || n.type === "ObjectPattern")
      forbidden(`use of ArrayPattern or ObjectPattern is not allowed.${JSON.stringify(n, withoutPositions)}`);
  });
}

function withoutPositions(key: string, v: unknown): unknown {
  return key === "start" || key === "end" ? undefined : v;
}

/** The exported class's methods and their parameter counts (validate.js checkExports, checkOneClass). */
function contractClass(program: AstNode): Map<string, number> {
  const body = program.body as AstNode[];
  if (body.length <= 1) invalid("empty source code.");
  const last = body[body.length - 1];
  const expr = last.type === "ExpressionStatement" ? (last.expression as AstNode) : undefined;
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
    invalid("last expression must be 'module.exports = CLASS_IDENTIFIER;'");
  const cls = body.find((s) => s.type === "ClassDeclaration" && (s.id as AstNode).name === right.name);
  if (!cls) invalid("abi not match your source code.");
  const methods = new Map<string, number>();
  for (const m of (cls.body as AstNode).body as AstNode[]) {
    if (m.type !== "MethodDefinition") continue;
    if (m.kind === "constructor") invalid("smart contract class shouldn't contain constructor method!!");
    if (m.kind !== "method" || m.static || m.computed) continue;
    const key = m.key as AstNode;
    const name = key.type === "Identifier" ? (key.name as string) : String(key.value);
    methods.set(name, ((m.value as AstNode).params as AstNode[]).length);
  }
  if (!methods.has("init")) invalid("init not found!");
  return methods;
}

/** validate.js checkAbiNameValid. */
function checkAbiName(name: string): void {
  if (name.length <= 0 || name.length > 32) invalid(`abi name invalid. abi name length should be between 1,32  got ${name}`);
  if (name[0] === "_") invalid("abi name invalid. abi name shouldn't start with _");
  for (const ch of name) if (!/[A-Za-z0-9_]/.test(ch)) invalid(`abi name invalid. abi name contains invalid character ${ch}`);
}

/** Parse and check the `abi` list of the contract info against the class's methods (validate.js checkOneAbi, in its order). */
function checkAbis(raw: unknown, methods: Map<string, number>): AbiJson[] {
  if (!Array.isArray(raw)) fail("abi should be an array");
  const seen = new Set<string>();
  return raw.map((a: unknown): AbiJson => {
    const o = (typeof a === "object" && a !== null ? a : {}) as Record<string, unknown>;
    const name = typeof o.name === "string" ? o.name : "";
    checkAbiName(name);
    const limits = o.amountLimit ?? [];
    if (!Array.isArray(limits)) fail(`abi ${name} amountLimit invalid`);
    const amountLimit = limits.map((l: unknown) => {
      const lo = (typeof l === "object" && l !== null ? l : {}) as Record<string, unknown>;
      if (typeof lo.token !== "string") invalid("amountLimit invalid. token in amountLimit should be string type. limit = [object Object]");
      if (typeof lo.val !== "string") invalid("amountLimit invalid. val in amountLimit should be string type. limit = [object Object]");
      return { token: lo.token, val: lo.val };
    });
    if (name === "init") invalid("abi shouldn't contain internal function: init");
    if (!methods.has(name)) invalid(`abi not defined in source code: ${name}`);
    const args = o.args ?? [];
    if (!Array.isArray(args)) fail(`abi ${name} args invalid`);
    if (args.length !== methods.get(name)) invalid(`args length not match: ${name}`);
    if (!args.every((t) => typeof t === "string" && ARG_TYPES.has(t))) invalid('args should be one of ["string", "bool", "number", "json"]');
    // IOST keeps both; a call would only ever reach the first.
    if (seen.has(name)) fail(`abi ${name} duplicated`);
    seen.add(name);
    return { name, args: args as string[], amountLimit };
  });
}

/** Checks a contract's source and ABI in IOST's order; returns the checked ABI. */
export function validateContract(program: AstNode, rawAbi: unknown): AbiJson[] {
  const abi = checkAbis(rawAbi, contractClass(program));
  checkSyntax(program);
  return abi;
}
