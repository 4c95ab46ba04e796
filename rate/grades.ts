/**
 * The four-level scale of the LaMini-LM paper's human evaluation (after Self-Instruct's), and the number each
 * grade is stored as in the results store's `value` (A 4 … D 1; the letter is the row's `label`).
 */
export const GRADES = [
  { grade: 'A', value: 4, title: 'Valid and acceptable', text: 'The response is valid and satisfying: it does what the instruction asks.' },
  { grade: 'B', value: 3, title: 'Acceptable, minor flaws', text: 'The response is acceptable but has minor errors or imperfections.' },
  { grade: 'C', value: 2, title: 'Significant errors', text: 'The response is relevant and responds to the instruction, but has significant errors in its content.' },
  { grade: 'D', value: 1, title: 'Irrelevant or invalid', text: 'The response is irrelevant or completely invalid.' },
] as const;

export type Grade = (typeof GRADES)[number]['grade'];

export function isGrade(value: unknown): value is Grade {
  return GRADES.some((g) => g.grade === value);
}

export function gradeValue(grade: Grade): number {
  return GRADES.find((g) => g.grade === grade)?.value ?? 0;
}
