// Which new survey versions may follow the earlier ones: counters are keyed by question and indicator node across
// versions, so a version must not give an old question id another meaning, nor mix answer scales in one node's counter.
import type { FieldIssue } from './answers.ts';
import type { Question, Survey } from './survey.ts';

/**
 * The scale a scored question's answers are summed on, or null for questions no counter sums (choices, text).
 * A node's `count`/`sum` counters add up every scored answer under it, so all of them must share one scale:
 * NPS (0–10, with its categories) is its own scale; CSAT and a 5-point rating are both 1–5; CES and a 7-point rating 1–7.
 */
export function counterScale(question: Question): string | null {
  switch (question.type) {
    case 'nps':
      return 'nps 0-10';
    case 'csat':
      return '1-5';
    case 'ces':
      return '1-7';
    case 'rating':
      return `1-${question.scale}`;
    default:
      return null;
  }
}

const describe = (question: Question): string => (question.type === 'rating' ? `a ${question.scale}-point rating` : `a ${question.type} question`);

/**
 * The problems that keep `candidate` from being published after `previous` (the earlier versions of the same survey,
 * any order): a question id reused with another type (or a rating with another scale), and a scored question placed on
 * a node whose counter holds answers on another scale — in an earlier version or earlier in the candidate itself.
 * Dropping and adding questions is fine. Pure; linear in the total number of questions.
 */
export function versionIssues(previous: readonly (Survey & { version?: number })[], candidate: Survey): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // The first earlier definition of each question id, and the first scale each node was counted on (with its origin).
  const earlierQuestion = new Map<string, { question: Question; version: number | undefined }>();
  const nodeScale = new Map<string, { scale: string; what: string }>();
  const ordered = [...previous].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
  for (const survey of ordered) {
    for (const question of survey.questions) {
      if (!earlierQuestion.has(question.id)) earlierQuestion.set(question.id, { question, version: survey.version });
      const scale = counterScale(question);
      if (scale && !nodeScale.has(question.nodeId))
        nodeScale.set(question.nodeId, { scale, what: `${describe(question)} ("${question.id}") in version ${survey.version ?? '?'}` });
    }
  }

  candidate.questions.forEach((question, i) => {
    const before = earlierQuestion.get(question.id);
    if (before && before.question.type !== question.type) {
      issues.push({
        path: `questions.${i}.type`,
        message: `question "${question.id}" was ${describe(before.question)} in version ${before.version ?? '?'}; a question id keeps its type across versions, so give the new question a new id`,
      });
    } else if (before && before.question.type === 'rating' && question.type === 'rating' && before.question.scale !== question.scale) {
      issues.push({
        path: `questions.${i}.scale`,
        message: `question "${question.id}" was rated on ${before.question.scale} points in version ${before.version ?? '?'}; its earlier answers would be summed with answers on ${question.scale} points, so give the new question a new id`,
      });
    }
    const scale = counterScale(question);
    if (!scale) return;
    const counted = nodeScale.get(question.nodeId);
    if (!counted) {
      nodeScale.set(question.nodeId, { scale, what: `${describe(question)} ("${question.id}") in this version` });
      return;
    }
    if (counted.scale !== scale) {
      issues.push({
        path: `questions.${i}.nodeId`,
        message: `indicator node "${question.nodeId}" counts ${counted.what} on a ${counted.scale} scale; ${describe(question)} (${scale}) would be summed into the same counter, so put it under another node`,
      });
    }
  });
  return issues;
}
