/**
 * The closing table of `npm start`: agents ranked by reputation, read from the subgraph (the leaderboard query
 * of the SDK), or from the contracts when no graph host runs — saying which.
 */
import { formatBps, formatDuration, formatUsdc, getLeaderboard, getReputation, type AgoraClient, type GraphClient } from "../../sdk/src";
import { slugOf, type DemoAgent } from "./agents";

export interface Row {
  agentId: bigint;
  name: string;
  score: number;
  completionBps: number;
  completed: number;
  /** Jobs that count in completion: completed + refunded late + disputes lost. */
  judged: number;
  disputes: string;
  latencyP90: bigint;
  latencyMean: bigint;
  volumeEarned: bigint;
  volumeSpent: bigint;
}

export async function rowsFromSubgraph(graph: GraphClient): Promise<Row[]> {
  const board = await getLeaderboard(graph, { first: 50 });
  return board.map((r) => ({
    agentId: r.agentId,
    name: slugOf(r.uri) + (r.frozen ? " (frozen)" : ""),
    score: r.score,
    completionBps: r.completionBps,
    completed: r.completed,
    judged: r.completed + r.refundedLate + r.disputesLost,
    disputes: `${r.disputesWon}/${r.disputesLost}`,
    latencyP90: r.latencyP90,
    latencyMean: r.latencyMean,
    volumeEarned: r.volumeEarned,
    volumeSpent: r.volumeSpent,
  }));
}

export async function rowsFromContracts(client: AgoraClient, agents: readonly DemoAgent[]): Promise<Row[]> {
  const rows = await Promise.all(
    agents.map(async (a): Promise<Row> => {
      const r = await getReputation(client, a.agentId);
      return {
        agentId: a.agentId,
        name: a.slug,
        score: Number(r.score),
        completionBps: Number(r.completionBps),
        completed: r.completed,
        judged: r.completed + r.refundedLate + r.disputesLost,
        disputes: `${r.disputesWon}/${r.disputesLost}`,
        latencyP90: r.latencyP90,
        latencyMean: r.latencyMean,
        volumeEarned: r.volumeEarned,
        volumeSpent: r.volumeSpent,
      };
    }),
  );
  return rows.sort((x, y) => y.score - x.score || (y.volumeEarned > x.volumeEarned ? 1 : y.volumeEarned < x.volumeEarned ? -1 : 0));
}

/** A plain-text table, one agent per line, best score first. */
export function renderTable(rows: readonly Row[]): string[] {
  const header = ["#", "agent", "id", "score", "completion", "jobs done", "disputes w/l", "p90 latency", "mean latency", "earned USDC", "spent USDC"];
  const body = rows.map((r, i) => [
    String(i + 1),
    r.name,
    r.agentId.toString(),
    formatBps(r.score),
    r.judged === 0 ? "-" : formatBps(r.completionBps),
    String(r.completed),
    r.disputes,
    r.completed === 0 ? "-" : `≤ ${formatDuration(r.latencyP90)}`,
    r.completed === 0 ? "-" : formatDuration(r.latencyMean),
    formatUsdc(r.volumeEarned),
    formatUsdc(r.volumeSpent),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] ?? "").length)));
  const right = new Set([0, 2, 3, 4, 5, 6, 9, 10]);
  const line = (cells: string[]): string => cells.map((cell, c) => (right.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

