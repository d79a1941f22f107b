/**
 * Execution cost (go-iost core/contract/cost.go): RAM data items, Net bytes
 * (10 gas each) and CPU gas. Mutable accumulator: native code adds into it as
 * it goes, so the cost spent before an error is still known (and charged).
 */
export interface DataItem {
  payer: string;
  val: number;
}

export class Cost {
  data = 0;
  dataList: DataItem[] = [];
  constructor(
    public net = 0,
    public cpu = 0,
  ) {}

  add(o: Cost): this {
    this.data += o.data;
    this.net += o.net;
    this.cpu += o.cpu;
    for (const d of o.dataList) this.dataList.push(d);
    return this;
  }

  cpuAdd(n: number): this {
    this.cpu += n;
    return this;
  }

  toGas(): number {
    return 10 * this.net + this.cpu;
  }
}

/** Host cost table (go-iost vm/host/costs.go). */
export const COSTS = {
  JSCost: 30000,
  PutCost: 300,
  GetCost: 300,
  DelCost: 300,
  KeysCost: 300,
  ContextCost: 10,
  SetCodeBasePrice: 200000,
  SetCodePrice: 70,
} as const;

/** CommonOpCost(layer) / CommonErrorCost(layer): CPU 10 × layer. */
export const opCost = (layer: number) => 10 * layer;
