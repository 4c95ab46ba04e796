/** Task files: the format (format.ts) and its reader. */
export { parseItem, parseTask, readTask } from './parse.ts';
export type { ChoiceItem, GenerationItem, PartialItem, Task, TaskItem, TaskKind } from './format.ts';
