import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";

export interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export function problem(status: number, code: string, headers: Record<string, string> = {}): Reply {
  return { status, body: JSON.stringify({ status, code, detail: `stub ${code}` }), headers };
}

/** A node:http server playing usage-service: records each request, answers with the given function. */
export async function stub(answer: (s: Seen) => Reply | Promise<Reply>): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s: Seen = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() };
    seen.push(s);
    const r = await answer(s);
    res.writeHead(r.status, { "Content-Type": r.status >= 400 ? "application/problem+json" : "application/json", ...r.headers });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Answers every event of a batch accepted, echoing its id. */
export function acceptAll(s: Seen): Reply {
  const events = (JSON.parse(s.body) as { events: { eventId: string }[] }).events;
  return {
    status: 200,
    body: JSON.stringify({
      accepted: events.length, duplicates: 0, rejected: 0,
      results: events.map((e, index) => ({ index, eventId: e.eventId, status: "accepted" })),
    }),
  };
}
