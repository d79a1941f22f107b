/** Native system contracts: importing this module registers them all. */
import "./token.js";
import "./token721.js";
import "./gas.js";
import "./auth.js";
import "./ram.js";
import "./system.js";
import "./vote.js";
import "./vote-producer.js";
import "./issue.js";
import "./bonus.js";
import "./base.js";
import "./domain.js";
import "./exchange.js";

export { Host, isContractId, checkStorageKey } from "./host.js";
export type { BlockContext, TxContext, AccountJson, PermissionJson, ItemJson, GroupJson } from "./host.js";
export { monitorCall, findContract, nativeContracts, registerContract } from "./monitor.js";
export type { ContractDef, NativeAbi, AbiAmountLimit } from "./monitor.js";
export { Cost, COSTS } from "./cost.js";
export { VmError } from "./errors.js";
export { checkAccountId } from "./auth.js";
export { gasAtTime, readGas, totalGasAt, GAS_INCREASE_RATE } from "./gas.js";
export { buyPriceCents, sellPriceCents, feeCents, readRamGlobals } from "./ram.js";
export { registerSystemAbi } from "./system.js";
