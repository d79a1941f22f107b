/** Keystore passwords: IOST_EDGE_PASSWORD for scripts, else a hidden prompt on a terminal. */
import { CliError } from "./errors";

export async function password(purpose: string, confirm = false): Promise<string> {
  const fromEnv = process.env.IOST_EDGE_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY || !process.stderr.isTTY) throw new CliError(`no password for ${purpose}: set IOST_EDGE_PASSWORD or run in a terminal`);
  const first = await ask(`Password for ${purpose}: `);
  if (confirm && (await ask("Repeat password: ")) !== first) throw new CliError("the passwords differ");
  if (first === "") throw new CliError("empty password");
  return first;
}

/** Reads one line without echoing it. */
function ask(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let line = "";
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(() => resolve(line));
        if (ch === "\u0003") return done(() => reject(new CliError("cancelled")));
        if (ch === "\u007f") line = line.slice(0, -1);
        else line += ch;
      }
    };
    const done = (then: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      then();
    };
    stdin.on("data", onData);
  });
}
