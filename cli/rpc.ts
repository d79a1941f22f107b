/** HTTP to a node's IOST RPC; every failure becomes one readable CliError. */
import { CliError } from "./errors";

export class NodeClient {
  constructor(readonly server: string) {}

  get<T = any>(path: string): Promise<T> {
    return this.request<T>(path);
  }

  post<T = any>(path: string, body: string): Promise<T> {
    return this.request<T>(path, { method: "POST", body, headers: { "content-type": "application/json" } });
  }

  /** getAccount, with "account not found" turned into a message naming the account. */
  async account(name: string): Promise<any> {
    try {
      return await this.get(`/getAccount/${encodeURIComponent(name)}/true`);
    } catch (err) {
      if (err instanceof NodeError) throw new CliError(`unknown account ${name} on ${this.server} (${err.message})`);
      throw err;
    }
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.server + path, { ...init, signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.server}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CliError(`${this.server}${path} answered HTTP ${res.status} without JSON: ${text.slice(0, 120)}`);
    }
    if (!res.ok) throw new NodeError(String(body?.message ?? `HTTP ${res.status}`), Number(body?.code ?? 0));
    return body as T;
  }
}

/** The node's IOST error envelope ({code, message}), shown as the node wrote it. */
export class NodeError extends CliError {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(`node: ${message}`);
  }
}
