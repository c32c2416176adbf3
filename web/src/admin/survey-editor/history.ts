// Placeholder until this part of the editor is built.
import { h } from '../../dom.ts';
import type { EditorModel } from './model.ts';

export function mountHistory(container: HTMLElement, _model: EditorModel): void {
  container.append(h('p', { class: 'hint' }, '…'));
}
