// Owns what tests read about processes from /proc (Linux): a process's descendants and the TCP sockets they listen on.
import { readdirSync, readFileSync } from 'node:fs';

export { listeningSockets, type ListeningSocket } from '../../functions/local/listening-sockets.ts';

/** The process and every process below it (children, grandchildren, …), from the parent pids in /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (command) state ppid …": the command may contain spaces and parentheses, so read after the last ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length && i < 10_000; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
