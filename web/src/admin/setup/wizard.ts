// Placeholder until this view is built: says so instead of failing.
import { h } from '../../dom.ts';
import type { ConsoleContext } from '../console.ts';

export function mount(root: HTMLElement, _ctx: ConsoleContext): void {
  root.append(h('p', { class: 'hint' }, '…'));
}
