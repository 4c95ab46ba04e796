/**
 * The published layouts of the paper's multiple-choice tasks, each mapped to the task format exactly as
 * lm-evaluation-harness's task configs build their prompts (lm_eval/tasks/<task>/*.yaml and utils.py), so a
 * converted file scores as the harness scores that task zero-shot. docs/evaluation.md lists each mapping.
 *
 * A converter returns the item, `unlabelled` for a record without a gold answer (a test split), or throws
 * nothing: field problems are collected on the record's Fields.
 */
import type { Fields } from './fields.ts';

export interface ChoiceLine {
  id: string;
  context: string;
  choices: string[];
  gold: number;
}

export interface PartialLine {
  id: string;
  contexts: string[];
  continuation: string;
  gold: number;
}

export type ConvertedLine = ChoiceLine | PartialLine;
export type Converter = (f: Fields, row: number, labels: ReadonlyArray<number | undefined> | undefined) => ConvertedLine | 'unlabelled';

/** An index into `choices`, or a problem on `f` when it is out of range. */
function gold(f: Fields, index: number | undefined, choices: number, what: string): number | 'unlabelled' {
  if (index === undefined) return 'unlabelled';
  if (index < 0 || index >= choices) {
    f.problems.push(`${what} ${index} is not one of the ${choices} choices`);
    return 0;
  }
  return index;
}

/** `allenai/sciq`: support, question, distractor1-3, correct_answer (the correct answer is always choice 4). */
const sciq: Converter = (f, row) => ({
  id: f.id(['id'], String(row)),
  context: `${f.string('support').trimStart()}\nQuestion: ${f.string('question')}\nAnswer:`,
  choices: [f.string('distractor1'), f.string('distractor2'), f.string('distractor3'), f.string('correct_answer')],
  gold: 3,
});

/**
 * Choices of ARC and OpenBookQA: Hugging Face's `choices: {text: [...], label: [...]}`, or AI2's original
 * `question: {stem, choices: [{text, label}]}`.
 */
function labelledChoices(f: Fields): { stem: string | undefined; text: string[]; label: string[] } {
  const question = f.raw('question');
  if (typeof question === 'object' && question !== null && !Array.isArray(question)) {
    const q = f.object('question');
    const list = q.objects('choices');
    const out = { stem: q.string('stem'), text: list.map((c) => c.string('text')), label: list.map((c) => c.string('label')) };
    f.problems.push(...q.problems.map((p) => `question.${p}`), ...list.flatMap((c, i) => c.problems.map((p) => `question.choices[${i}].${p}`)));
    return out;
  }
  const choices = f.object('choices');
  const out = { stem: undefined, text: choices.strings('text'), label: choices.strings('label') };
  f.problems.push(...choices.problems.map((p) => `choices.${p}`));
  return out;
}

function answerIndex(f: Fields, labels: readonly string[], key: string): number | undefined {
  if (!f.has('answerKey') || f.raw('answerKey') === '') return undefined;
  const i = labels.indexOf(key);
  if (i < 0) f.problems.push(`answerKey ${JSON.stringify(key)} is not one of the labels ${JSON.stringify(labels)}`);
  return i < 0 ? 0 : i;
}

/** `allenai/ai2_arc` (ARC-Easy, ARC-Challenge): "Question: {question}\nAnswer:", gold = labels.index(answerKey). */
const arc: Converter = (f, row) => {
  const c = labelledChoices(f);
  const question = c.stem ?? f.string('question');
  const index = answerIndex(f, c.label, f.has('answerKey') ? f.string('answerKey') : '');
  const g = gold(f, index, c.text.length, 'answerKey');
  if (g === 'unlabelled') return g;
  return { id: f.id(['id'], String(row)), context: `Question: ${question}\nAnswer:`, choices: c.text, gold: g };
};

/** `allenai/openbookqa` (main): the question stem alone, gold = labels.index(answerKey.lstrip()). */
const openbookqa: Converter = (f, row) => {
  const c = labelledChoices(f);
  const stem = c.stem ?? f.string('question_stem');
  const index = answerIndex(f, c.label, f.has('answerKey') ? f.string('answerKey').trimStart() : '');
  const g = gold(f, index, c.text.length, 'answerKey');
  if (g === 'unlabelled') return g;
  return { id: f.id(['id'], String(row)), context: stem, choices: c.text, gold: g };
};

/** PIQA: goal, sol1, sol2, label (the original release keeps labels in a separate .lst file: --labels). */
const piqa: Converter = (f, row, labels) => {
  const g = gold(f, f.has('label') ? f.label('label') : labels?.[row - 1], 2, 'label');
  if (g === 'unlabelled') return g;
  return { id: f.id(['id'], String(row)), context: `Question: ${f.string('goal')}\nAnswer:`, choices: [f.string('sol1'), f.string('sol2')], gold: g };
};

/** The harness's hellaswag `preprocess`: strip, " [title]" → ". ", drop [bracketed] spans, "  " → " ". */
export function hellaswagPreprocess(text: string): string {
  return text.trim().replaceAll(' [title]', '. ').replace(/\[.*?\]/g, '').replaceAll('  ', ' ');
}

/** Python's str.capitalize: the first character upper case, the rest lower case. */
export function pyCapitalize(text: string): string {
  const [first = '', ...rest] = Array.from(text);
  return first.toUpperCase() + rest.join('').toLowerCase();
}

/** `Rowan/hellaswag` (and the original jsonl): activity_label, ctx_a, ctx_b, endings, label. */
const hellaswag: Converter = (f, row) => {
  const ctx = `${f.string('ctx_a')} ${pyCapitalize(f.string('ctx_b'))}`;
  const endings = f.strings('endings');
  const g = gold(f, f.label('label'), endings.length, 'label');
  if (g === 'unlabelled') return g;
  return {
    id: f.id(['ind', 'id'], String(row)),
    context: hellaswagPreprocess(`${f.string('activity_label')}: ${ctx}`),
    choices: endings.map(hellaswagPreprocess),
    gold: g,
  };
};

/**
 * `allenai/winogrande` (and the original jsonl): sentence with one "_", option1, option2, answer "1"/"2".
 * Partial scoring: each option fills the blank in a context that ends there; the rest of the sentence is the
 * continuation scored after each.
 */
const winogrande: Converter = (f, row) => {
  const sentence = f.string('sentence');
  const blank = sentence.indexOf('_');
  if (blank < 0 && f.problems.length === 0) f.problems.push('"sentence" has no "_" blank');
  const answer = f.label('answer');
  const g = gold(f, answer === undefined ? undefined : answer - 1, 2, 'answer - 1');
  if (g === 'unlabelled') return g;
  const head = sentence.slice(0, Math.max(0, blank));
  return {
    id: f.id(['qID', 'id'], String(row)),
    contexts: [head + f.string('option1'), head + f.string('option2')],
    continuation: sentence.slice(blank + 1).trim(),
    gold: g,
  };
};

/** BoolQ: SuperGLUE's passage, question, label (0 no, 1 yes), or the original release's boolean `answer`. */
const boolq: Converter = (f, row) => {
  let label: number | undefined;
  if (f.has('label')) label = f.label('label');
  else if (typeof f.raw('answer') === 'boolean') label = f.raw('answer') === true ? 1 : 0;
  else if (f.has('answer')) f.problems.push('"answer" must be true or false');
  const g = gold(f, label, 2, 'label');
  if (g === 'unlabelled') return g;
  return { id: f.id(['idx', 'id'], String(row)), context: `${f.string('passage')}\nQuestion: ${f.string('question')}?\nAnswer:`, choices: ['no', 'yes'], gold: g };
};

/** Python's `s[start:end]` on code points (JavaScript's slice counts UTF-16 units). */
function pySlice(text: string, start: number, end?: number): string {
  return Array.from(text).slice(start, end).join('');
}

/** SuperGLUE WiC: sentence1, sentence2, start1, end1 (the word's character span in sentence1), label. */
const wic: Converter = (f, row) => {
  const g = gold(f, f.label('label'), 2, 'label');
  const start = f.label('start1');
  const end = f.label('end1');
  if (g === 'unlabelled') return g;
  const s1 = f.string('sentence1');
  const word = pySlice(s1, start ?? 0, end ?? 0);
  return {
    id: f.id(['idx', 'id'], String(row)),
    context: `Sentence 1: ${s1}\nSentence 2: ${f.string('sentence2')}\nQuestion: Is the word '${word}' used in the same way in the two sentences above?\nAnswer:`,
    choices: ['no', 'yes'],
    gold: g,
  };
};

/** The harness's `general_detokenize` (lm_eval/utils.py). */
export function generalDetokenize(text: string): string {
  return text.replaceAll(" n't", "n't").replaceAll(' )', ')').replaceAll('( ', '(').replaceAll('" ', '"').replaceAll(' "', '"')
    .replace(/ (['.,])/g, '$1');
}

/**
 * SuperGLUE WSC (wsc.fixed): text, span1_text (the noun), span2_text (the pronoun), span2_index (its word
 * index), label. The harness's `default_doc_to_text`: the pronoun marked with asterisks in the passage.
 */
const wsc: Converter = (f, row) => {
  const g = gold(f, f.label('label'), 2, 'label');
  if (g === 'unlabelled') return g;
  const text = f.string('text');
  const pronoun = f.string('span2_text');
  const index = f.label('span2_index') ?? 0;
  const pre = text.split(/\s+/u).filter((w) => w !== '').slice(0, index).join(' ');
  const post = pySlice(text, Array.from(pre).length + Array.from(pronoun).length + 1);
  const passage = generalDetokenize(`${pre} *${pronoun}*${post}`);
  return {
    id: f.id(['idx', 'id'], String(row)),
    context: `Passage: ${passage}\nQuestion: In the passage above, does the pronoun "*${pronoun}*" refer to "*${f.string('span1_text')}*"?\nAnswer:`,
    choices: ['no', 'yes'],
    gold: g,
  };
};

function glue(choices: string[], context: (f: Fields) => string): Converter {
  return (f, row) => {
    const g = gold(f, f.label('label'), choices.length, 'label');
    if (g === 'unlabelled') return g;
    return { id: f.id(['idx', 'id'], String(row)), context: context(f), choices: [...choices], gold: g };
  };
}

function mnliText(f: Fields): string {
  const hypothesis = f.string('hypothesis').trim();
  return `${f.string('premise')}\nQuestion: ${hypothesis}${hypothesis.endsWith('.') ? '' : '.'} True, False or Neither?\nAnswer:`;
}

/** `nyu-mll/glue` configurations: the harness's glue/<name>/default.yaml prompts and choices. */
const GLUE: Record<string, Converter> = {
  cola: glue(['no', 'yes'], (f) => `${f.string('sentence')}\nQuestion: Does this sentence make sense?\nAnswer:`),
  sst2: glue(['negative', 'positive'], (f) => `${f.string('sentence')}\nQuestion: Is this sentence positive or negative?\nAnswer:`),
  mrpc: glue(['no', 'yes'], (f) => `Sentence 1: ${f.string('sentence1')}\nSentence 2: ${f.string('sentence2')}\nQuestion: Do both sentences mean the same thing?\nAnswer:`),
  qqp: glue(['no', 'yes'], (f) => `Question 1: ${f.string('question1')}\nQuestion 2: ${f.string('question2')}\nQuestion: Do both questions ask the same thing?\nAnswer:`),
  mnli: glue(['True', 'Neither', 'False'], mnliText),
  qnli: glue(['yes', 'no'], (f) => `${f.string('question')}\n${f.string('sentence')}\nQuestion: Does this response answer the question?\nAnswer:`),
  rte: glue(['True', 'False'], (f) => `${f.string('sentence1')}\nQuestion: ${f.string('sentence2')} True or False?\nAnswer:`),
  wnli: glue(['False', 'True'], (f) => `${f.string('sentence1')}\nQuestion: ${f.string('sentence2')} True or False?\nAnswer:`),
};

export const CONVERTERS: Readonly<Record<string, Converter>> = {
  sciq, arc, openbookqa, piqa, hellaswag, winogrande, boolq, wic, wsc,
  ...Object.fromEntries(Object.entries(GLUE).map(([name, c]) => [`glue-${name}`, c])),
};

export const FORMATS: readonly string[] = Object.keys(CONVERTERS);
