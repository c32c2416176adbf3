import { z } from 'zod';
import { Survey } from './functions/domain/survey.ts';
const s = z.toJSONSchema(Survey);
const si = z.toJSONSchema(Survey, { io: 'input' });
console.log(JSON.stringify(s).length, JSON.stringify(si).length);
console.log(JSON.stringify(s.$defs ?? {}).slice(0, 1500));
const mk = (showIf: unknown) => ({ id:'a', title:{en:'x'}, locales:['en'], defaultLocale:'en', indicatorTree:[{id:'o',parentId:null,label:{en:'o'}}], questions:[{id:'q',type:'nps',nodeId:'o',label:{en:'q'}, showIf}]});
let deep: any = { kind: 'answered', questionId: 'x' };
for (let i = 0; i < 7; i++) deep = { match: 'all', conditions: [deep] };
for (const c of [
  {match:'all',conditions:[{kind:'score',questionId:'z',op:'bad',value:3}]},
  {match:'all',conditions:[{kind:'scor',questionId:'z'}]},
  {match:'all',conditions:[{questionId:'z', op:'lte', value: 2}]},
  {match:'all',conditions:[{kind:'not', condition: {kind:'choice', questionId:'z', optionIds: []}}]},
  {match:'all',conditions:[5]},
  {match:'every',conditions:[]},
  deep,
  {match:'all',conditions:[{kind:'group', match:'any', conditions:[{kind:'answered',questionId:'z'}]}]},
]) {
  const r = Survey.safeParse(mk(c));
  console.log(r.success ? 'OK' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
}
