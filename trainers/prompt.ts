/**
 * Alpaca's prompt wrapper, which the LaMini-LM students were trained with: one template for instructions with an
 * input and one without. The corpus keeps the paper's joined form (`instruction : input`) in `instruction` and the
 * input alone in `input`; the wrapper puts them back in their own sections.
 */
export interface PromptParts {
  instruction: string;
  input: string;
}

const WITH_INPUT =
  'Below is an instruction that describes a task, paired with an input that provides further context. ' +
  'Write a response that appropriately completes the request.\n\n';
const WITHOUT_INPUT = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n';

export function alpacaPrompt(parts: PromptParts): string {
  const input = parts.input.trim();
  if (input === '') return `${WITHOUT_INPUT}### Instruction:\n${parts.instruction.trim()}\n\n### Response:\n`;
  return `${WITH_INPUT}### Instruction:\n${instructionAlone(parts.instruction, parts.input).trim()}\n\n### Input:\n${input}\n\n### Response:\n`;
}

/** The instruction without the ` : input` the corpus joins onto it (unchanged when it is not there). */
export function instructionAlone(instruction: string, input: string): string {
  const joined = ` : ${input}`;
  return input !== '' && instruction.endsWith(joined) ? instruction.slice(0, -joined.length) : instruction;
}
