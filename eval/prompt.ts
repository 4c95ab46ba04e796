/**
 * How a task's text reaches the student. Wrapped (the default): inside the Alpaca prompt the student was
 * trained with (trainers/prompt.ts), the text as the instruction and no input. Raw (`--no-wrapper`): the text
 * as it is, as lm-evaluation-harness sends it.
 *
 * The target delimiter goes between the context and each choice. The harness's default is a space; under a
 * chat template (`--apply_chat_template`) it uses none, because the template already ends the prompt, and the
 * Alpaca wrapper is this project's template: it ends with "### Response:\n" and training put the answer right
 * after it. So: " " raw, "" wrapped, unless `--target-delimiter` says otherwise.
 */
import { alpacaPrompt } from '../trainers/prompt.ts';

export interface PromptStyle {
  wrapper: boolean;
  /** Between the context and each choice (or the partial-scoring continuation). */
  delimiter: string;
}

export function promptStyle(wrapper: boolean, delimiter?: string): PromptStyle {
  return { wrapper, delimiter: delimiter ?? (wrapper ? '' : ' ') };
}

export function shapePrompt(text: string, style: PromptStyle): string {
  return style.wrapper ? alpacaPrompt({ instruction: text, input: '' }) : text;
}
