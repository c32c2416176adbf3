// The survey editor (?view=survey&id=…[&tab=structure|translations|publish|history]): tabs over one work copy
// (model.ts), with the live preview of the real respondent page beside them. Each tab is its own module.
// Hooks for tests: #survey-editor[data-survey-id], #editor-tabs button[data-tab][aria-selected],
// #editor-panel[data-tab], #editor-save-status[data-status] (model.ts SaveStatus), #editor-issues (what blocks saving),
// #editor-preview (the preview pane), #editor-restored (shown when a local copy from an earlier visit was restored).
import { h, setAttr, setText } from '../../dom.ts';
import { localize } from '../../i18n.ts';
import type { ConsoleContext } from '../console.ts';
import { common, defineTexts } from '../texts.ts';
import { loadEditorModel, type EditorModel, type SaveStatus } from './model.ts';
import { mountStructure } from './structure.ts';
import { mountTranslations } from './translations.ts';
import { mountPublish } from './publish.ts';
import { mountHistory } from './history.ts';
import { mountPreview } from './preview.ts';

const TABS = ['structure', 'translations', 'publish', 'history'] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: unknown): value is Tab => typeof value === 'string' && (TABS as readonly string[]).includes(value);

const PANELS: Record<Tab, (container: HTMLElement, model: EditorModel) => void | Promise<void>> = {
  structure: mountStructure,
  translations: mountTranslations,
  publish: mountPublish,
  history: mountHistory,
};

const tx = defineTexts({
  en: {
    'tab.structure': 'Questions & logic',
    'tab.translations': 'Translations',
    'tab.publish': 'Publish',
    'tab.history': 'Versions',
    'status.saved': 'All changes saved',
    'status.unsaved': 'Unsaved changes…',
    'status.saving': 'Saving…',
    'status.invalid': 'Kept on this device: fix the marked fields to save',
    'status.refused': 'Not saved: the server refused a change',
    'status.offline': 'Kept on this device: the server cannot be reached',
    'state.draft': 'Draft',
    'state.live': 'Live · version {version}',
    'state.closed': 'Closed · version {version}',
    noId: 'No survey chosen. Open one from the survey list.',
    back: 'All surveys',
    issues: 'To save this draft, fix:',
  },
  zh: {
    'tab.structure': '题目与逻辑',
    'tab.translations': '多语言',
    'tab.publish': '发布',
    'tab.history': '版本',
    'status.saved': '所有修改已保存',
    'status.unsaved': '有未保存的修改…',
    'status.saving': '正在保存…',
    'status.invalid': '已暂存在本设备：修改标出的字段后才能保存',
    'status.refused': '未保存：服务器拒绝了一处修改',
    'status.offline': '已暂存在本设备：暂时无法连接服务器',
    'state.draft': '草稿',
    'state.live': '已发布 · 第 {version} 版',
    'state.closed': '已关闭 · 第 {version} 版',
    noId: '尚未选择问卷，请从问卷列表中打开。',
    back: '全部问卷',
    issues: '保存草稿前，请先修改：',
  },
  ru: {
    'tab.structure': 'Вопросы и логика',
    'tab.translations': 'Переводы',
    'tab.publish': 'Публикация',
    'tab.history': 'Версии',
    'status.saved': 'Все изменения сохранены',
    'status.unsaved': 'Есть несохранённые изменения…',
    'status.saving': 'Сохраняем…',
    'status.invalid': 'Хранится на этом устройстве: исправьте отмеченные поля, чтобы сохранить',
    'status.refused': 'Не сохранено: сервер отклонил изменение',
    'status.offline': 'Хранится на этом устройстве: сервер недоступен',
    'state.draft': 'Черновик',
    'state.live': 'Опубликован · версия {version}',
    'state.closed': 'Закрыт · версия {version}',
    noId: 'Опрос не выбран. Откройте его из списка опросов.',
    back: 'Все опросы',
    issues: 'Чтобы сохранить черновик, исправьте:',
  },
});

export async function mount(root: HTMLElement, ctx: ConsoleContext): Promise<void> {
  const id = ctx.params.get('id');
  if (!id) {
    root.append(h('p', { class: 'banner' }, tx('noId')), h('a', { href: '?view=surveys' }, tx('back')));
    return;
  }
  const model = await loadEditorModel(ctx, id);
  const title = h('h2', { class: 'editor-title' });
  const stateBadge = h('span', { class: 'badge', id: 'editor-state' });
  const saveStatus = h('p', { id: 'editor-save-status', class: 'save-status', role: 'status', 'aria-live': 'polite' });
  const restored = h('p', { id: 'editor-restored', class: 'notice', hidden: true }, common('draft.restored'));
  const issues = h('div', { id: 'editor-issues', class: 'form-errors', role: 'alert', hidden: true });
  const tabs = h('div', { id: 'editor-tabs', class: 'tabs', role: 'tablist' });
  const panel = h('div', { id: 'editor-panel', class: 'editor-panel', role: 'tabpanel' });
  const preview = h('aside', { id: 'editor-preview', class: 'editor-preview' });
  root.append(
    h('section', { id: 'survey-editor', class: 'survey-editor', 'data-survey-id': id },
      h('header', { class: 'editor-head' }, h('a', { href: '?view=surveys', class: 'editor-back' }, tx('back')), title, stateBadge, saveStatus),
      restored,
      issues,
      h('div', { class: 'editor-body' }, h('div', { class: 'editor-main' }, tabs, panel), preview),
    ),
  );
  restored.hidden = !model.restored();

  const drawHead = () => {
    setText(title, localize(model.work().title) || id);
    const state = model.state();
    setText(stateBadge, state.status === 'draft' ? tx('state.draft') : tx(`state.${state.status}`, { version: state.liveVersion ?? 0 }));
    stateBadge.dataset.state = state.status;
    const status: SaveStatus = model.status();
    saveStatus.dataset.status = status;
    setText(saveStatus, tx(`status.${status}`));
    const list = model.issues();
    issues.hidden = list.length === 0;
    issues.replaceChildren(...(list.length ? [h('p', {}, tx('issues')), h('ul', {}, ...list.slice(0, 20).map((i) => h('li', { 'data-path': i.path }, i.path ? `${i.path}: ${i.message}` : i.message)))] : []));
  };
  const unsubscribe = model.subscribe(drawHead);
  ctx.signal.addEventListener('abort', unsubscribe);
  drawHead();

  let current: Tab = isTab(ctx.params.get('tab')) ? (ctx.params.get('tab') as Tab) : 'structure';
  const open = async (tab: Tab) => {
    current = tab;
    ctx.replaceParams({ tab });
    for (const button of tabs.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
      const selected = button.dataset.tab === tab;
      setAttr(button, 'aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    panel.dataset.tab = tab;
    panel.replaceChildren();
    await PANELS[tab](panel, model);
  };
  tabs.append(...TABS.map((tab) => h('button', { type: 'button', role: 'tab', 'data-tab': tab, id: `editor-tab-${tab}` }, tx(`tab.${tab}`))));
  tabs.addEventListener('click', (event) => {
    const tab = (event.target as Element).closest<HTMLElement>('[data-tab]')?.dataset.tab;
    if (isTab(tab)) void open(tab);
  });
  // Arrow keys move between tabs, as in any tab list.
  tabs.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = TABS[(TABS.indexOf(current) + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    void open(next).then(() => tabs.querySelector<HTMLElement>(`[data-tab="${next}"]`)?.focus());
  });
  await mountPreview(preview, model);
  await open(current);
}
