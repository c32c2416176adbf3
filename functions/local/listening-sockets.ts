// Owns reading, from /proc (Linux), which TCP sockets processes listen on: the runtime uses it to tell who holds a
// port, the tests to check that nothing listens beyond loopback.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  pid: number;
  address: string;
  port: number;
}

/** Every TCP socket in LISTEN state (0A) held by one of the pids (default: every process), its local address decoded. */
export function listeningSockets(pids: number[] = allPids()): ListeningSocket[] {
  const byInode = new Map<string, { address: string; port: number }>();
  for (const [table, decode] of [
    ['/proc/net/tcp', decodeIpv4],
    ['/proc/net/tcp6', decodeIpv6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // not Linux, or no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [hexAddress, hexPort] = (fields[1] ?? '').split(':');
      if (fields[3] !== '0A' || !hexAddress || !hexPort || !fields[9]) continue;
      byInode.set(`socket:[${fields[9]}]`, { address: decode(hexAddress), port: Number.parseInt(hexPort, 16) });
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const socket = byInode.get(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (socket) sockets.push({ pid, ...socket });
      } catch {
        // closed meanwhile
      }
    }
  }
  return sockets;
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

/** /proc/net/tcp writes the address as one little-endian 32-bit word. */
function decodeIpv4(hex: string): string {
  return [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');
}

/** /proc/net/tcp6 writes the address as four little-endian 32-bit words. */
function decodeIpv6(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) {
    for (const at of [6, 4, 2, 0]) bytes.push(Number.parseInt(hex.slice(word * 8 + at, word * 8 + at + 2), 16));
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join('.')}`;
  if (groups.every((g) => g === 0)) return '::';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return '::1';
  return groups.map((g) => g.toString(16)).join(':');
}
